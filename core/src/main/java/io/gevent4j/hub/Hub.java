package io.gevent4j.hub;

import io.gevent4j.LoopExit;
import io.gevent4j.config.Config;
import io.gevent4j.threadpool.ThreadPool;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * One platform thread's scheduler of greenlets: it owns a {@link Loop} and is the
 * scheduler of its greenlets' virtual threads, so one greenlet of a hub runs at a time and
 * switches only where it blocks.
 *
 * <p>{@link #current()} on a platform thread returns that thread's hub, created on first
 * use; in a greenlet it returns the greenlet's hub. The platform thread is the hub's
 * <em>main greenlet</em>: when it calls a blocking gevent4j API it hands its turn to the
 * hub's {@linkplain #carrierThread() carrier}, which runs the loop and the greenlets until
 * the main greenlet is woken; the two take turns, so greenlets never run concurrently with
 * it, and every greenlet of the hub runs on the carrier's one OS thread. If the main
 * greenlet waits while nothing can ever wake it (nothing ready, no referenced active
 * watcher, no greenlet parked in a JDK call that another thread may end) it gets
 * {@link LoopExit}.
 *
 * <p>Hub-thread only (the owner thread, the carrier, the greenlets), except
 * {@link #current()}, {@link #isClosed()}, {@link #thread()}, {@link #carrierThread()} and
 * the thread-safe entries of the loop ({@link Loop#runCallbackThreadsafe},
 * {@link AsyncWatcher#send()}).
 *
 * <p><b>Implementation overview.</b> The JDK hands the hub every continuation of its
 * virtual threads through {@link Scheduler#execute}: on the hub's threads the task joins
 * the loop's ready queue without a lock; from any other OS thread (JDK pollers and timer
 * threads, other hubs) it goes through the loop's inbox, which never rejects. After the hub
 * closed, such tasks are handed to one daemon thread so that the JDK's shared threads are
 * never refused. {@code liveGreenlets - suspendedGreenlets} counts the greenlets parked in
 * JDK calls: while it is positive the loop may sleep without a timer, since another thread
 * can end such a call.
 */
public final class Hub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.gevent4j.hub");
    private static final ThreadLocal<Hub> PLATFORM_HUB = new ThreadLocal<>();

    static {
        startJdkPoller();
    }

    final Loop loop;
    final RawGreenlet main;
    int liveGreenlets;
    int suspendedGreenlets;
    private final Thread thread;
    private final Carrier carrier;
    private final Scheduler scheduler = new Scheduler(this);
    private final Thread.Builder.OfVirtual builder;
    private volatile BiConsumer<Object, Throwable> errorHandler;
    private volatile boolean closed;
    private ThreadPool threadpool;

    private Hub(Thread thread) {
        Config.get();
        this.builder = JdkAccess.virtualThreadBuilder(scheduler);
        this.thread = thread;
        this.carrier = new Carrier(this, thread);
        this.loop = new Loop(this, thread, carrier.thread);
        this.main = new RawGreenlet(this, thread, true);
    }

    /**
     * The hub of the calling thread: a platform thread's own (created on first use), or the
     * hub a greenlet runs on.
     *
     * @throws IllegalStateException on a virtual thread of the JDK's default scheduler, or
     *         when the JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     */
    public static Hub current() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            Hub hub = ofVirtualThread(t);
            if (hub == null) {
                throw new IllegalStateException("gevent4j needs a greenlet or a platform thread; "
                        + t + " is a virtual thread of the JDK's default scheduler");
            }
            return hub;
        }
        Hub hub = PLATFORM_HUB.get();
        if (hub == null || hub.closed) {
            hub = new Hub(t);
            PLATFORM_HUB.set(hub);
        }
        return hub;
    }

    /**
     * The hub of the calling thread if it has one, without creating one: the hub of a
     * platform thread that used gevent4j (or of its carrier), or a greenlet's hub;
     * {@code null} otherwise. Any thread.
     */
    public static Hub currentIfExists() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            return ofVirtualThread(t);
        }
        Hub hub = PLATFORM_HUB.get();
        return hub == null || hub.closed ? null : hub;
    }

    /** The hub that schedules a virtual thread, or {@code null}. */
    static Hub ofVirtualThread(Thread t) {
        if (t.getUncaughtExceptionHandler() instanceof RawGreenlet.Handle h) {
            return h.greenlet.hub;
        }
        return JdkAccess.schedulerOf(t) instanceof Scheduler s ? s.hub : null;
    }

    /** The hub's event loop. */
    public Loop loop() {
        return loop;
    }

    /** The platform thread this hub belongs to: its main greenlet. Thread-safe. */
    public Thread thread() {
        return thread;
    }

    /**
     * The platform thread that runs this hub's loop and carries its greenlets while the main
     * greenlet waits: every greenlet of the hub runs on this one OS thread. Thread-safe.
     */
    public Thread carrierThread() {
        return carrier.thread;
    }

    /** The hub's main greenlet: its platform thread. */
    public RawGreenlet mainGreenlet() {
        return main;
    }

    /** Whether the calling thread runs on this hub (its platform thread, its carrier, or one of its greenlets). */
    public boolean isCurrent() {
        return loop.onLoopThread();
    }

    /**
     * Throws {@link IllegalStateException} unless the caller runs on this hub; {@code what}
     * names the object for the message.
     */
    public void checkCurrent(Object what) {
        if (!loop.onLoopThread()) {
            throw new IllegalStateException(what + " belongs to the hub of thread " + thread.getName()
                    + " and cannot be used from " + Thread.currentThread()
                    + "; hand work to that hub with its loop's runCallbackThreadsafe");
        }
    }

    /** How many greenlets of this hub have started and not ended. */
    public int greenletCount() {
        return liveGreenlets;
    }

    /**
     * Blocks the current greenlet until {@code watcher} fires once (gevent's
     * {@code hub.wait(watcher)}): starts it with a callback that resumes the greenlet, and
     * stops it when the wait ends, also by an exception.
     */
    public void await(Watcher watcher) {
        Waiter<Void> waiter = new Waiter<>(this);
        watcher.start(waiter);
        try {
            waiter.get();
        } finally {
            watcher.stop();
        }
    }

    /**
     * Reports an error that nothing else will see (a greenlet's uncaught exception, a
     * failing callback): to the handler set with {@link #setErrorHandler}, else once to the
     * {@code io.gevent4j.hub} {@link System.Logger} at ERROR. Never throws.
     */
    public void handleError(Object context, Throwable error) {
        BiConsumer<Object, Throwable> handler = errorHandler;
        try {
            if (handler != null) {
                handler.accept(context, error);
                return;
            }
        } catch (Throwable t) {
            error.addSuppressed(t);
        }
        LOG.log(Level.ERROR, () -> "gevent4j: " + context + " failed on hub " + thread.getName(), error);
    }

    /** Replaces how {@link #handleError} reports; {@code null} restores the logger. Thread-safe. */
    public void setErrorHandler(BiConsumer<Object, Throwable> handler) {
        this.errorHandler = handler;
    }

    /**
     * The hub's own {@link ThreadPool} (gevent's {@code hub.threadpool}) of
     * {@link Config#threadpoolSize()} threads (setting {@code threadpoolSize}, default
     * {@link ThreadPool#DEFAULT_SIZE}), created on first use and killed by
     * {@link #close()}. Hub-thread only.
     */
    public ThreadPool threadpool() {
        checkCurrent(this);
        if (threadpool == null) {
            threadpool = new ThreadPool(this, Config.get().threadpoolSize());
        }
        return threadpool;
    }

    /** Whether {@link #close()} was called. Thread-safe. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop; the platform thread gets a new hub on its next use. Greenlets still
     * blocked stay blocked; tasks other threads hand the hub afterwards run on a daemon
     * thread so the JDK's threads are never refused. Hub-thread only; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkCurrent(this);
        if (threadpool != null) {
            threadpool.close();
        }
        closed = true;
        loop.close();
        loop.drainInboxTo(Scheduler.orphans());
        carrier.wake();
        if (PLATFORM_HUB.get() == this) {
            PLATFORM_HUB.remove();
        }
    }

    @Override
    public String toString() {
        return "Hub[" + thread.getName() + (closed ? ", closed]" : "]");
    }

    /** Owner thread: the main greenlet waits while the carrier runs the loop until it is resumed. */
    void drive() {
        if (closed) {
            throw new IllegalStateException("hub is closed: " + this);
        }
        carrier.runLoopForOwner();
    }

    /** Carrier thread: runs the loop until the main greenlet is resumed or can never be. */
    void runLoopForMain() {
        while (main.isSuspended()) {
            if (closed) {
                throw new IllegalStateException("hub is closed: " + this);
            }
            if (!loop.alive() && !hasGreenletsInJdkCalls()) {
                throw new LoopExit("this wait can never end: nothing is ready, no watcher is active and "
                        + (liveGreenlets == 0 ? "no greenlet is alive" : liveGreenlets
                        + " greenlet(s) all wait on gevent4j objects nothing will signal") + " (" + this + ")");
            }
            loop.runOnce();
        }
    }

    /** Carrier thread: callbacks that run on it find this hub as their thread's hub. */
    void adoptCarrier() {
        PLATFORM_HUB.set(this);
    }

    /** Whether some greenlet is parked in a JDK call, which another thread may end. */
    boolean hasGreenletsInJdkCalls() {
        return liveGreenlets != suspendedGreenlets;
    }

    Thread newThread(RawGreenlet.Handle handle) {
        Thread t = builder.unstarted(handle);
        t.setUncaughtExceptionHandler(handle);
        return t;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private static void startJdkPoller() {
        // The JDK's socket poller threads are virtual threads that inherit the scheduler
        // of the thread that starts them: start them here, on a platform thread, so that a
        // greenlet's first socket call cannot make them greenlets of its hub.
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.WARNING, "gevent4j: could not start the JDK's socket poller early", e);
        }
    }

    /** The executor the JDK hands this hub's continuations to. Never throws, never blocks. */
    private static final class Scheduler implements Executor {
        private static volatile ExecutorService orphans;
        final Hub hub;

        Scheduler(Hub hub) {
            this.hub = hub;
        }

        @Override
        public void execute(Runnable task) {
            Objects.requireNonNull(task);
            if (hub.closed) {
                orphans().execute(task);
                return;
            }
            hub.loop.executeFromAnyThread(task);
            if (hub.closed) {
                hub.loop.drainInboxTo(orphans());
            }
        }

        static ExecutorService orphans() {
            ExecutorService e = orphans;
            if (e == null) {
                synchronized (Scheduler.class) {
                    e = orphans;
                    if (e == null) {
                        e = Executors.newSingleThreadExecutor(r -> {
                            Thread t = new Thread(r, "gevent4j-closed-hubs");
                            t.setDaemon(true);
                            return t;
                        });
                        orphans = e;
                    }
                }
            }
            return e;
        }
    }
}
