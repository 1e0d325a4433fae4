package io.gevent4j.hub;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A green thread of a hub with the greenlet library's low-level API: explicit
 * {@link #switchTo} between greenlets, {@link #throwInto}, and a {@link #parent()} that
 * receives the return value or exception when the body ends.
 *
 * <pre>{@code
 * RawGreenlet main = RawGreenlet.current();
 * RawGreenlet g1 = new RawGreenlet(arg -> { main.switchTo(10); return 11; });
 * g1.switchTo(null);  // 10
 * g1.switchTo(null);  // 11, and g1.isDead()
 * }</pre>
 *
 * <p>Every thread that runs on a hub has one: a spawned {@code Greenlet} is a subclass, the
 * hub's platform thread is its <em>main</em> greenlet, and a virtual thread forked inside a
 * greenlet gets one when it first asks. A {@code RawGreenlet} runs as a virtual thread
 * whose scheduler is the hub; a switch resumes the target before any other ready greenlet
 * of the hub. All methods must be called on the hub's thread, except
 * {@link #current()}, which works on any thread with a hub.
 *
 * <p><b>Implementation overview.</b> {@code state} is NEW → RUNNING ⇄ SUSPENDED/RESUMED
 * → DEAD and is only touched on the hub's OS thread. A greenlet blocks in the library by
 * {@link #suspend()}: a virtual thread parks until {@link #resume()} unparks it; the main
 * greenlet hands its turn to the hub's carrier, which runs the loop until the task that
 * {@code resume()} queued (behind the greenlets woken before it) hands the turn back. A switch puts the value in the target's
 * one-slot inbox and resumes it at the head of the run queue. An asynchronous exception
 * (kill, Timeout) waits in {@code pendingThrow}: it resumes a suspended greenlet, interrupts
 * one parked in a JDK call, and is raised at the greenlet's next library wait.
 */
public class RawGreenlet {

    static final int NEW = 0;
    static final int RUNNING = 1;
    static final int SUSPENDED = 2;
    static final int RESUMED = 3;
    static final int DEAD = 4;

    private static final ThreadLocal<RawGreenlet> ADOPTED = new ThreadLocal<>();

    final Hub hub;
    Thread thread;
    int state;
    private final boolean main;
    private final Function<Object, Object> run;
    private RawGreenlet parent;
    private Throwable pendingThrow;
    private final Runnable mainWake;
    private boolean mainWakeQueued;
    private boolean inboxFull;
    private Object inboxValue;
    private Throwable inboxThrow;

    // Run info and the blocking monitor: this greenlet's links in its hub's LiveGreenlets.
    RawGreenlet liveNext;
    RawGreenlet livePrev;

    /** A raw greenlet on the current hub whose parent is the current greenlet; not started until switched to. */
    public RawGreenlet(Function<Object, Object> run) {
        this(run, current());
    }

    /** A raw greenlet on the current hub with the given parent; not started until switched to. */
    public RawGreenlet(Function<Object, Object> run, RawGreenlet parent) {
        this.hub = Hub.current();
        this.run = Objects.requireNonNull(run, "run");
        this.parent = Objects.requireNonNull(parent, "parent");
        if (parent.hub != hub) {
            throw new IllegalArgumentException("the parent belongs to another hub");
        }
        this.main = false;
        this.mainWake = null;
    }

    /** For subclasses that override {@link #run(Object)}: a greenlet of {@code hub} without a parent. */
    protected RawGreenlet(Hub hub) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.run = null;
        this.main = false;
        this.mainWake = null;
    }

    /** The record of a thread that already runs: the hub's main thread or an adopted virtual thread. */
    RawGreenlet(Hub hub, Thread thread, boolean main) {
        this.hub = hub;
        this.thread = thread;
        this.main = main;
        this.run = null;
        this.state = RUNNING;
        this.mainWake = main ? this::wakeMain : null;
    }

    /**
     * The greenlet running now: a spawned greenlet, a raw greenlet, or the main greenlet of
     * a platform thread (whose hub is created on first use).
     *
     * @throws IllegalStateException on a virtual thread of the JDK's default scheduler
     */
    public static RawGreenlet current() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return Hub.current().main;
        }
        if (t.getUncaughtExceptionHandler() instanceof Handle h) {
            return h.greenlet;
        }
        RawGreenlet adopted = ADOPTED.get();
        if (adopted == null) {
            Hub hub = Hub.ofVirtualThread(t);
            if (hub == null) {
                throw new IllegalStateException("gevent4j blocking calls need a greenlet or a platform thread; "
                        + t + " is a virtual thread of the JDK's default scheduler");
            }
            adopted = new RawGreenlet(hub, t, false);
            ADOPTED.set(adopted);
        }
        return adopted;
    }

    /** The hub this greenlet runs on. */
    public final Hub hub() {
        return hub;
    }

    /** The greenlet that receives this one's result, or {@code null} (main greenlets, spawned greenlets). */
    public RawGreenlet parent() {
        return parent;
    }

    /**
     * The greenlet that created this one, for the spawn tree of run info: the parent of a
     * raw greenlet; {@code Greenlet} overrides it. {@code null} for a main greenlet.
     */
    public RawGreenlet spawningGreenlet() {
        return parent;
    }

    /**
     * A name for reports: its thread's name if it has one, else a name made of its
     * identity; {@code Greenlet} overrides it. Any thread.
     */
    public String name() {
        Thread t = thread;
        String n = t == null ? "" : t.getName();
        return n.isEmpty() ? getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this)) : n;
    }

    /** Whether this is a hub's main greenlet (its platform thread). */
    public final boolean isMain() {
        return main;
    }

    /** Whether the body has ended. A main greenlet is never dead. */
    public boolean isDead() {
        return state == DEAD;
    }

    /** The thread this greenlet runs on, {@code null} before it started. */
    public final Thread thread() {
        return thread;
    }

    /**
     * Switches to this greenlet, passing {@code value} (the argument of its body when it
     * starts, else the return value of the {@code switchTo} it is blocked in), and blocks
     * the current greenlet until something switches back to it.
     *
     * @return the value switched back
     * @throws IllegalStateException if this greenlet is dead or belongs to another hub
     */
    public final Object switchTo(Object value) {
        return transfer(value, null);
    }

    /**
     * Switches to this greenlet and raises {@code error} in it where it is blocked (or at
     * its start, so it ends at once and its parent receives the error).
     *
     * @return the value switched back to the current greenlet
     */
    public final Object throwInto(Throwable error) {
        return transfer(null, Objects.requireNonNull(error, "error"));
    }

    /**
     * Raises {@code error} in this greenlet where it blocks, without switching: at once if
     * it waits in gevent4j, by interrupting it if it is parked in a JDK call (which then
     * behaves as the JDK specifies for interrupts), else at its next gevent4j wait. The
     * exception kill and Timeout use.
     *
     * @return false if another exception is still pending (try again on a later loop turn)
     */
    public final boolean raiseLater(Throwable error) {
        Objects.requireNonNull(error, "error");
        hub.loop.checkThread();
        if (state == DEAD) {
            return true;
        }
        if (pendingThrow != null) {
            return false;
        }
        pendingThrow = error;
        if (state == SUSPENDED) {
            resume();
        } else if (!main && thread != null && thread != Thread.currentThread()) {
            Thread.State s = thread.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                thread.interrupt();
            }
        }
        return true;
    }

    /** Withdraws {@code error} if it is still pending; returns whether it was. */
    public final boolean cancelRaise(Throwable error) {
        if (pendingThrow == error) {
            pendingThrow = null;
            return true;
        }
        return false;
    }

    /** Whether an exception waits to be raised at this greenlet's next gevent4j wait. */
    public final boolean hasPendingRaise() {
        return pendingThrow != null;
    }

    /**
     * The body. The default applies the function given to the constructor; a subclass may
     * override it, as a subclass of gevent's greenlet overrides {@code run}.
     */
    protected Object run(Object arg) throws Throwable {
        return run.apply(arg);
    }

    /**
     * Called on this greenlet's thread when the body ended; the default switches the result
     * (or raises the exception) into the nearest parent that is alive.
     */
    protected void exit(Object result, Throwable failure) {
        RawGreenlet p = parent;
        while (p != null && p.isDead()) {
            p = p.parent;
        }
        if (p != null) {
            p.deliverSwitch(result, failure);
        } else if (failure != null) {
            hub.handleError(this, failure);
        }
    }

    /** Throws the pending asynchronous exception, if any, clearing it. */
    protected final void throwPending() {
        Throwable t = pendingThrow;
        if (t != null) {
            pendingThrow = null;
            throw Hub.sneaky(t);
        }
    }

    /**
     * Blocks the calling greenlet, which must be this one, until {@link #resume()} or an
     * asynchronous exception; returns normally in both cases (the caller checks its own
     * condition, then {@link #throwPending()}). A virtual thread parks; a main greenlet runs
     * the loop. Interrupts that arrive meanwhile are kept and restored afterwards.
     *
     * @throws IllegalStateException on a main greenlet that is already driving the loop:
     *         a loop callback (a link, a watcher callback) must not block
     */
    protected final void suspend() {
        if (main) {
            if (state == SUSPENDED) {
                throw new IllegalStateException(
                        "cannot block in a hub callback (a link or watcher callback); spawn a greenlet to block");
            }
            state = SUSPENDED;
            try {
                hub.drive();
            } finally {
                state = RUNNING;
            }
            return;
        }
        state = SUSPENDED;
        hub.suspendedGreenlets++;
        boolean interrupted = false;
        try {
            while (state == SUSPENDED) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            hub.suspendedGreenlets--;
            state = RUNNING;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Makes a suspended greenlet ready; it runs after the greenlets already ready. Hub
     * thread only. The main greenlet takes its turn like the others: a task queued behind
     * them ends its run of the loop.
     */
    protected final void resume() {
        if (state == SUSPENDED) {
            if (main) {
                if (!mainWakeQueued) {
                    mainWakeQueued = true;
                    hub.loop.executeFromAnyThread(mainWake);
                }
            } else {
                state = RESUMED;
                LockSupport.unpark(thread);
            }
        }
    }

    /** Main greenlets only: the queued task that ends the main greenlet's run of the loop. */
    private void wakeMain() {
        mainWakeQueued = false;
        if (state == SUSPENDED) {
            state = RESUMED;
            hub.loop.breakLoop();
        }
    }

    /** Whether {@link #suspend()} ended because of {@link #resume()} rather than still waiting. */
    final boolean isSuspended() {
        return state == SUSPENDED;
    }

    /** Starts the virtual thread; with {@code runNext} it runs before the greenlets already ready. */
    protected final void startThread(boolean runNext) {
        if (thread != null) {
            throw new IllegalStateException("greenlet already started");
        }
        thread = hub.newThread(new Handle(this));
        hub.liveGreenlets++;
        hub.live.add(this);
        if (runNext) {
            hub.loop.setRunNext();
        }
        try {
            thread.start();
        } finally {
            hub.loop.clearRunNext();
        }
    }

    private Object transfer(Object value, Throwable error) {
        RawGreenlet self = current();
        if (self.hub != hub) {
            throw new IllegalStateException("cannot switch to a greenlet of another hub");
        }
        if (self == this) {
            if (error != null) {
                throw Hub.sneaky(error);
            }
            return value;
        }
        if (state == DEAD) {
            throw new IllegalStateException("cannot switch to a dead greenlet");
        }
        deliverSwitch(value, error);
        return self.awaitSwitch();
    }

    private void deliverSwitch(Object value, Throwable error) {
        inboxFull = true;
        inboxValue = value;
        inboxThrow = error;
        if (state == NEW) {
            startThread(true);
        } else if (state == SUSPENDED) {
            hub.loop.setRunNext();
            resume();
            hub.loop.clearRunNext();
        }
    }

    private Object awaitSwitch() {
        while (!inboxFull) {
            throwPending();
            suspend();
        }
        return takeInbox();
    }

    private Object takeInbox() {
        Object v = inboxValue;
        Throwable t = inboxThrow;
        inboxFull = false;
        inboxValue = null;
        inboxThrow = null;
        if (t != null) {
            throw Hub.sneaky(t);
        }
        return v;
    }

    /** Runs on the greenlet's own virtual thread. */
    private void body() {
        state = RUNNING;
        Object result = null;
        Throwable failure = null;
        try {
            Object arg = inboxFull ? takeInbox() : null;
            throwPending();
            result = run(arg);
        } catch (Throwable t) {
            failure = t;
        } finally {
            state = DEAD;
            hub.liveGreenlets--;
            hub.live.remove(this);
        }
        exit(result, failure);
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case NEW -> "new";
            case RUNNING -> "running";
            case SUSPENDED -> "suspended";
            case RESUMED -> "resumed";
            default -> "dead";
        };
        return (main ? "main greenlet[" : "RawGreenlet[") + name() + ", " + s + "]";
    }

    /**
     * The virtual thread's task and its uncaught-exception handler in one object: the
     * handler slot is how {@link #current()} finds the greenlet of a thread without a
     * thread-local.
     */
    static final class Handle implements Runnable, Thread.UncaughtExceptionHandler {
        final RawGreenlet greenlet;

        Handle(RawGreenlet greenlet) {
            this.greenlet = greenlet;
        }

        @Override
        public void run() {
            greenlet.body();
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            greenlet.hub.handleError(greenlet, e);
        }
    }
}
