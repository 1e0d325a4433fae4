package io.gevent4j.hub;

import io.gevent4j.config.Config;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One platform thread's scheduler of greenlets: it owns a {@link Loop} and is the
 * scheduler of its greenlets' virtual threads, so one greenlet of a hub runs at a time and
 * switches only where it blocks.
 *
 * <p>{@link #current()} on a platform thread returns that thread's hub, created on first
 * use; in a greenlet it returns the greenlet's hub. The platform thread is the hub's
 * <em>main greenlet</em>: when it calls a blocking gevent4j API it runs the loop itself
 * (timers, I/O, callbacks) for as long as no greenlet needs to run, and hands its turn to
 * the hub's {@linkplain #carrierThread() carrier} when one does; the carrier runs the loop
 * and the greenlets until the main greenlet is woken. The two take turns, so greenlets
 * never run concurrently with it, and every greenlet of the hub runs on the carrier's one
 * OS thread. If the main greenlet waits while nothing can ever wake it (nothing ready, no
 * referenced active watcher, no greenlet parked in a JDK call that another thread may end)
 * it gets {@link LoopExit}.
 *
 * <p>Hub-thread only (the owner thread, the carrier, the greenlets), except
 * {@link #current()}, {@link #isClosed()}, {@link #thread()}, {@link #carrierThread()},
 * {@link #loopThread()}, the methods whose Javadoc says so, and the thread-safe entries:
 * {@link #runThreadsafe(Runnable)}, {@link #runThreadsafe(Runnable, Runnable)} and the loop's
 * ({@link Loop#runCallbackThreadsafe}, {@link AsyncWatcher#send()}).
 *
 * <p><b>Implementation overview.</b> The JDK hands the hub every continuation of its
 * virtual threads through {@link Scheduler#execute}: on the hub's threads the task joins
 * the loop's ready queue without a lock; from any other OS thread (JDK pollers and timer
 * threads, other hubs) it goes through the loop's inbox, which never rejects. After the hub
 * closed, such tasks are handed to one daemon thread so that the JDK's shared threads are
 * never refused. {@code liveGreenlets - suspendedGreenlets} counts the greenlets parked in
 * JDK calls: while it is positive the loop may sleep without a timer, since another thread
 * can end such a call.
 *
 * <p><b>Lifecycle.</b> One field, {@code state}, says where the hub is:
 * {@link State#NEW} until its loop first runs, {@link State#RUNNING}, {@link State#CLOSING}
 * while {@link #close()} ends the greenlets still alive and closes the services, and
 * {@link State#CLOSED}. The loop, the carrier and the scheduler read it; nothing else keeps
 * a flag of its own. Started greenlets sit in an intrusive list (two fields in each, no
 * allocation), which is how closing finds them.
 */
public final class Hub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.gevent4j.hub");
    private static final ThreadLocal<Hub> PLATFORM_HUB = new ThreadLocal<>();
    private static final Duration CLOSE_TICK = Duration.ofMillis(1);

    /** How long {@link #close()} waits for the greenlets it ends. */
    public static final Duration CLOSE_BOUND = Duration.ofSeconds(1);

    static {
        startJdkPoller();
    }

    final Loop loop;
    final RawGreenlet main;
    int liveGreenlets;
    int suspendedGreenlets;
    private final Thread thread;
    private final Carrier carrier;
    private final BooleanSupplier mainWaits = this::mainWaits;
    private final Scheduler scheduler = new Scheduler(this);
    private final Thread.Builder.OfVirtual builder;
    /** Makes threads that inherit nothing from the thread making them: a greenlet's queued start (see RawGreenlet). */
    private final Thread.Builder.OfVirtual bareBuilder;
    private volatile BiConsumer<Object, Throwable> errorHandler;
    private volatile State state = State.NEW;
    private RawGreenlet liveHead;
    final Set<RawGreenlet> delayedStarts = new LinkedHashSet<>();
    private final Map<Class<?>, AutoCloseable> services = new LinkedHashMap<>();

    private Hub(Thread thread) {
        Config.get();
        this.builder = JdkAccess.virtualThreadBuilder(scheduler);
        this.bareBuilder = JdkAccess.virtualThreadBuilder(scheduler).inheritInheritableThreadLocals(false);
        this.thread = thread;
        this.carrier = new Carrier(this, thread);
        this.loop = new Loop(this, thread, carrier.thread);
        this.main = new RawGreenlet(this, thread, true);
        HubRegistry.add(this);
    }

    /**
     * The hub of the calling thread: a platform thread's own (created on first use), or the
     * hub a greenlet runs on.
     *
     * @throws IllegalStateException on a virtual thread of the JDK's default scheduler,
     *         when the JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED}, or
     *         when another thread closed this platform thread's hub (see {@link #close()})
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
        if (hub == null) {
            hub = new Hub(t);
            PLATFORM_HUB.set(hub);
        } else if (hub.state == State.CLOSED) {
            throw new IllegalStateException("the hub of " + t.getName() + " was closed by another thread; call "
                    + "its close() on this thread before using gevent4j here again");
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
        return hub == null || hub.state == State.CLOSED ? null : hub;
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

    /**
     * Runs {@code callback} on this hub's thread, as a loop callback after those already
     * queued (gevent's {@code hub.loop.run_callback_threadsafe}): the one way to hand a hub
     * work from another hub or any other thread. Any thread; never blocks, never throws;
     * a callback the hub has not run when it closes, or queued after, is dropped (use
     * {@link #runThreadsafe(Runnable, Runnable)} to learn of that).
     */
    public void runThreadsafe(Runnable callback) {
        handOver(Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Runs {@code callback} on this hub's thread as {@link #runThreadsafe(Runnable)} does, or,
     * if the hub closes before it runs it (or is closed already), runs {@code ifClosed}
     * instead: exactly one of the two runs, once. {@code ifClosed} runs on the thread that
     * finds the callback dropped (the one closing the hub, or the caller), must not block,
     * and an exception it throws is logged. Any thread; never blocks, never throws.
     */
    public void runThreadsafe(Runnable callback, Runnable ifClosed) {
        Dropping task = new Dropping(Objects.requireNonNull(callback, "callback"),
                Objects.requireNonNull(ifClosed, "ifClosed"));
        if (state == State.CLOSED) {
            task.dropped();
            return;
        }
        handOver(task);
    }

    /**
     * Queues {@code task} on the loop from any thread; if the hub closed meanwhile, hands on
     * what its inbox holds ({@link #handOn}), as the closing thread does once it closed:
     * whichever of the two looks last finds the task, since both write before they read. So
     * nothing handed to a closed hub stays in its queues.
     */
    void handOver(Runnable task) {
        loop.executeFromAnyThread(task);
        if (state == State.CLOSED) {
            loop.drainInboxTo(Hub::handOn);
        }
    }

    /** The platform thread this hub belongs to: its main greenlet. Thread-safe. */
    public Thread thread() {
        return thread;
    }

    /**
     * The platform thread that carries this hub's greenlets (and runs its loop while they
     * run) when the main greenlet waits: every greenlet of the hub runs on this one OS
     * thread. Thread-safe.
     */
    public Thread carrierThread() {
        return carrier.thread;
    }

    /**
     * The platform thread that runs this hub's loop now: the carrier, the owner thread
     * while its main greenlet waits and no greenlet needs to run, or {@code null} while
     * the main greenlet runs its own code. Any thread; a snapshot that may be stale by the
     * time it returns, meant for monitoring.
     */
    public Thread loopThread() {
        return carrier.loopThread();
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
     * The hub's service of {@code type} (its thread pool, its resolver...): created with
     * {@code create} on first use, the same object afterwards, and closed by
     * {@link #close()}, in the reverse order of creation. The one way state is kept per hub,
     * so that packages above the hub need no map of hubs of their own. {@code create} runs
     * on the calling thread and must not block. Thread-safe.
     *
     * @throws IllegalStateException if the hub is closed
     */
    public <S extends AutoCloseable> S service(Class<S> type, Function<? super Hub, ? extends S> create) {
        Objects.requireNonNull(create, "create");
        synchronized (services) {
            if (state.compareTo(State.CLOSING) >= 0) {
                throw new IllegalStateException("hub is closing: " + this);
            }
            AutoCloseable service = services.get(Objects.requireNonNull(type, "type"));
            if (service == null) {
                service = Objects.requireNonNull(create.apply(this), "created service");
                services.put(type, service);
            }
            return type.cast(service);
        }
    }

    /** Where the hub is in its life. Thread-safe. */
    public State state() {
        return state;
    }

    /** Whether {@link #close()} was called. Thread-safe. */
    public boolean isClosed() {
        return state.compareTo(State.CLOSING) >= 0;
    }

    /**
     * Closes the hub: ends the greenlets still alive or due to start later (a {@code Greenlet} is killed with
     * {@code GreenletExit}, a raw greenlet gets a {@link CancellationException} where it
     * blocks) and waits at most {@link #CLOSE_BOUND} for them to die, running the loop
     * meanwhile; a {@code Greenlet} started while the hub closes is killed at once, before
     * it runs; joiners on other hubs are woken by the greenlets' ends. Then
     * closes the services, in reverse order of creation, and the loop.
     * Greenlets that outlive the bound stay where they are. Afterwards the hub's own
     * platform thread gets a new hub on its next use; if another thread (a greenlet)
     * closed it, {@link #current()} on the owner throws until the owner calls
     * {@code close()} too, so a hub is never replaced in the middle of its owner's work. Tasks other threads hand the
     * hub later run on a daemon thread, so the JDK's threads are never refused; loop
     * callbacks ({@link #runThreadsafe}) it had not run are dropped, and for those handed with
     * {@link #runThreadsafe(Runnable, Runnable)} the closing thread runs their {@code ifClosed}.
     * Hub-thread only; idempotent.
     */
    @Override
    public void close() {
        if (isClosed()) {
            releaseOwnerThread();
            return;
        }
        checkCurrent(this);
        state = State.CLOSING;
        endGreenlets();
        closeServices();
        state = State.CLOSED;
        HubRegistry.remove(this);
        loop.drainReadyTo(Hub::handOn);
        loop.close();
        loop.drainInboxTo(Hub::handOn);
        carrier.wake();
        releaseOwnerThread();
    }

    /** On the owner thread, once closed: its next use of gevent4j makes a new hub. */
    private void releaseOwnerThread() {
        if (state == State.CLOSED && Thread.currentThread() == thread && PLATFORM_HUB.get() == this) {
            PLATFORM_HUB.remove();
        }
    }

    // ---- Run info and the blocking monitor: reads for observers on any thread ----

    private static final VarHandle LIVE_HEAD;
    private static final VarHandle LIVE_NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LIVE_HEAD = lookup.findVarHandle(Hub.class, "liveHead", RawGreenlet.class);
            LIVE_NEXT = lookup.findVarHandle(RawGreenlet.class, "liveNext", RawGreenlet.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Every hub of the JVM that was created and not closed, in no order. Any thread. */
    public static List<Hub> all() {
        return HubRegistry.snapshot();
    }

    /**
     * The greenlets of this hub that have started and not ended, newest first; the main
     * greenlet is not among them. Exact on the hub's thread; on another thread a weakly
     * consistent snapshot: a greenlet that starts or ends meanwhile may be missing (links
     * only ever point to older greenlets, so the walk ends).
     */
    public List<RawGreenlet> greenlets() {
        List<RawGreenlet> all = new ArrayList<>();
        for (RawGreenlet g = (RawGreenlet) LIVE_HEAD.getAcquire(this); g != null;
                g = (RawGreenlet) LIVE_NEXT.getAcquire(g)) {
            all.add(g);
        }
        return all;
    }

    /**
     * The greenlet whose code runs on this hub now, as an observer on another thread sees
     * it: the main greenlet while it has its turn, the greenlet mounted on the carrier, or
     * {@code null} while the loop itself or one of its callbacks runs (or the loop sleeps).
     * Any thread; a snapshot that may be stale by the time it returns, meant for monitoring.
     */
    public RawGreenlet runningGreenlet() {
        Thread runner = carrier.loopThread();
        if (runner == null) {
            return main;
        }
        for (RawGreenlet g : greenlets()) {
            Thread t = g.thread;
            if (t != null && JdkAccess.carrierOf(t) == runner) {
                return g;
            }
        }
        return null;
    }

    private void endGreenlets() {
        // null on the carrier and in a loop callback that the owner thread runs while main waits
        Thread t = Thread.currentThread();
        RawGreenlet self = t == carrier.thread || (t == thread && main.isSuspended()) ? null : RawGreenlet.current();
        int staying = self != null && !self.isMain() ? 1 : 0;
        List<RawGreenlet> alive = new ArrayList<>(delayedStarts);
        delayedStarts.clear();
        for (RawGreenlet g = liveHead; g != null; g = g.liveNext) {
            if (g != self) {
                alive.add(g);
            }
        }
        for (RawGreenlet g : alive) {
            g.hubClosing();
        }
        if (alive.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_BOUND.toNanos();
        BooleanSupplier done = () -> liveGreenlets <= staying || System.nanoTime() - deadline >= 0;
        try (TimerWatcher tick = loop.timer(CLOSE_TICK, CLOSE_TICK)) {
            if (self == null) {
                tick.start(() -> { });
                if (t == thread) {
                    carrier.runLoopWhile(() -> !done.getAsBoolean(), false);
                } else {
                    do {
                        loop.runOnce();
                    } while (!done.getAsBoolean());
                }
            } else {
                Waiter<Void> ended = new Waiter<>(this);
                tick.start(() -> {
                    if (done.getAsBoolean() && !ended.ready()) {
                        ended.switchTo(null);
                    }
                });
                ended.get();
            }
        }
    }

    private void closeServices() {
        List<AutoCloseable> created;
        synchronized (services) {
            created = new ArrayList<>(services.values());
            services.clear();
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                created.get(i).close();
            } catch (Exception e) {
                handleError(created.get(i), e);
            }
        }
    }

    @Override
    public String toString() {
        return "Hub[" + thread.getName() + ", " + state.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }

    /**
     * Owner thread: the main greenlet waits; it runs the loop itself until a greenlet must
     * run, then the carrier runs it, until the main greenlet is resumed or, if
     * {@code interruptible}, its thread is interrupted.
     */
    void drive(boolean interruptible) {
        if (state == State.CLOSED) {
            throw new IllegalStateException("hub is closed: " + this);
        }
        carrier.runLoopWhile(mainWaits, interruptible);
    }

    /** Owner thread, on its first wait: the loop starts running (unless the hub is closing already). */
    void markRunning() {
        if (state == State.NEW) {
            state = State.RUNNING;
        }
    }

    /** Records a greenlet whose thread starts, until {@link #ended}. */
    void started(RawGreenlet g) {
        liveGreenlets++;
        g.liveNext = liveHead;
        if (liveHead != null) {
            liveHead.livePrev = g;
        }
        LIVE_HEAD.setRelease(this, g); // published whole to greenlets() on other threads
    }

    /** A greenlet's body ended. */
    void ended(RawGreenlet g) {
        liveGreenlets--;
        if (g.livePrev != null) {
            g.livePrev.liveNext = g.liveNext;
        } else {
            liveHead = g.liveNext;
        }
        if (g.liveNext != null) {
            g.liveNext.livePrev = g.livePrev;
        }
        g.livePrev = null;
        g.liveNext = null;
    }

    /**
     * Whether the main greenlet still waits, before the loop turns once more for it.
     *
     * @throws LoopExit if nothing can ever resume it
     * @throws IllegalStateException if the hub was closed meanwhile
     */
    boolean mainWaits() {
        if (!main.isSuspended()) {
            return false;
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException("hub is closed: " + this);
        }
        if (!loop.alive() && !hasGreenletsInJdkCalls()) {
            throw new LoopExit("this wait can never end: nothing is ready, no watcher is active and "
                    + (liveGreenlets == 0 ? "no greenlet is alive" : liveGreenlets
                    + " greenlet(s) all wait on gevent4j objects nothing will signal") + " (" + this + ")");
        }
        return true;
    }

    /** Carrier thread: callbacks that run on it find this hub as their thread's hub. */
    void adoptCarrier() {
        PLATFORM_HUB.set(this);
    }

    /** Whether some greenlet is parked in a JDK call, which another thread may end. */
    boolean hasGreenletsInJdkCalls() {
        return liveGreenlets != suspendedGreenlets;
    }

    /** Whether {@code task}, taken from a ready queue, runs a greenlet (a continuation the JDK handed a hub). */
    static boolean runsGreenlet(Object task) {
        return task != null && task.getClass() == Scheduler.continuationClass;
    }

    /**
     * A thread for {@code handle}'s greenlet; with {@code inherit} it inherits the calling
     * thread's inheritable thread-locals and context class loader, else it has none and the
     * system class loader.
     */
    Thread newThread(RawGreenlet.Handle handle, boolean inherit) {
        Thread t = (inherit ? builder : bareBuilder).unstarted(handle);
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

    /** Where a hub is in its life; see the class comment. */
    public enum State {
        /** Created; its loop has not run yet. */
        NEW,
        /** Its loop has run; greenlets may be alive. */
        RUNNING,
        /** {@link #close()} is ending its greenlets and closing its services. */
        CLOSING,
        /** Closed: blocking on it throws {@link IllegalStateException}. */
        CLOSED
    }

    /** The executor the JDK hands this hub's continuations to. Never throws, never blocks. */
    private static final class Scheduler implements Executor {
        /**
         * The class of the tasks the JDK hands a scheduler: every virtual thread's is the same
         * method reference. Set before the first such task is queued anywhere.
         */
        static volatile Class<?> continuationClass;
        final Hub hub;

        Scheduler(Hub hub) {
            this.hub = hub;
        }

        @Override
        public void execute(Runnable task) {
            Objects.requireNonNull(task);
            if (continuationClass == null) {
                continuationClass = task.getClass();
            }
            if (hub.state == State.CLOSED) {
                Orphans.EXECUTOR.execute(task);
                return;
            }
            hub.handOver(task);
        }
    }

    /**
     * A task left in a closed hub's queues: a greenlet's continuation goes to the orphans'
     * thread (it must run, or its virtual thread stays parked for good); a loop callback
     * ({@link #runThreadsafe}) is dropped, as documented: run off its hub it would fail
     * its thread check. A callback handed with an {@code ifClosed} has that run instead.
     */
    private static void handOn(Runnable task) {
        if (runsGreenlet(task)) {
            Orphans.EXECUTOR.execute(task);
        } else if (task instanceof Dropping d) {
            d.dropped();
        }
    }

    /** A callback of {@link #runThreadsafe(Runnable, Runnable)}: runs as itself, or, dropped, as {@code ifClosed}. */
    private record Dropping(Runnable callback, Runnable ifClosed) implements Runnable {
        @Override
        public void run() {
            callback.run();
        }

        void dropped() {
            try {
                ifClosed.run();
            } catch (Throwable t) {
                LOG.log(Level.ERROR, () -> "gevent4j: " + ifClosed + " failed after its hub closed", t);
            }
        }
    }

    /** The one daemon thread that runs the tasks closed hubs are handed, started on first use. */
    private static final class Orphans {
        static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gevent4j-closed-hubs");
            t.setDaemon(true);
            return t;
        });
    }
}
