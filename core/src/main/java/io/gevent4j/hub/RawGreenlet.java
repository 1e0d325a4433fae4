package io.gevent4j.hub;

import java.util.ArrayDeque;
import java.util.Iterator;
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
 * <p><b>Implementation overview.</b> {@code state} is NEW (→ STARTING) → RUNNING ⇄
 * SUSPENDED/RESUMED → DEAD and is only touched on the hub's OS thread. A greenlet started
 * behind the ready ones is STARTING: the hub's ready queue holds the greenlet itself, and
 * the loop makes and starts its thread when it reaches it, so that the thread's first run
 * comes next; until then the greenlet costs only its own record (a burst of spawns holds
 * no threads the garbage collector would copy), and the thread is fresh in the cache when
 * it runs. Made by the loop, the thread inherits nothing from the thread that made it; so
 * this is done only when the starting thread has nothing to hand down (no inheritable
 * thread-locals, the system context class loader), and otherwise, as for a switch, which
 * runs the target at once, the thread is made and started on the spot. A greenlet whose
 * thread cannot be made or started (out of memory) goes from there to DEAD, failed with
 * that error, as if its body had thrown it: its exit runs, the hub goes on.
 *
 * <p>A greenlet blocks in the library by
 * {@link #suspend()}: a virtual thread parks until {@link #resume()} unparks it; the main
 * greenlet hands its turn to the hub's carrier, which runs the loop until the task that
 * {@code resume()} queued (behind the greenlets woken before it) hands the turn back. A switch puts the value in the target's
 * one-slot inbox and resumes it at the head of the run queue.
 *
 * <p><b>Asynchronous exceptions (kill, Timeout).</b> A virtual thread cannot have an
 * exception injected: the only way into a JDK blocking call is {@link Thread#interrupt()},
 * and the only place gevent4j can throw is its own code running on the greenlet's thread.
 * So a raise has two halves:
 * <ol>
 * <li><em>Pending.</em> {@link #raiseLater} queues the exception ({@code pendingThrow}, then
 *     {@code laterThrows} in arrival order; never refused, so nothing is retried or lost).
 *     {@link #throwPending()}, which every gevent4j wait, {@code Timeout.start} and the end of
 *     the body run on the greenlet's thread, throws the first one. A raise still pending
 *     when the body ends with an exception replaces that exception (typically the JDK
 *     call's, which the raise caused), so a kill reads as a kill; a body that returns keeps
 *     its value, as a gevent4j wait whose value arrived first does.</li>
 * <li><em>Interrupt.</em> A greenlet suspended in gevent4j is {@linkplain #resume() resumed}
 *     to throw. Any other greenlet but a main one has its thread interrupted, whatever it
 *     is doing: parked in a JDK call (the call ends as the JDK specifies), or runnable in
 *     the hub's ready queue (its next JDK blocking call ends at once, or its next gevent4j
 *     call throws). The thread's state is not consulted: a greenlet just woken and queued
 *     is as interruptible as a parked one. No interrupt is sent when the status is already
 *     set; if gevent4j set it, {@code raiseInterrupt} records it. {@link #suspend()} holds
 *     the status aside while it parks (an interruptible wait, as {@code Lock.lockInterruptibly}'s,
 *     ends on it instead: a raise resumes a suspended greenlet without interrupting it, so
 *     an interrupt that arrives while it parks is the user's) and, when it returns with a raise still pending (a
 *     wait whose value won), sets it as {@code raiseLater} would have, so the raise still
 *     reaches the next JDK call. A main greenlet is a platform thread whose JDK calls hold
 *     the hub anyway: it gets its raises at gevent4j waits.</li>
 * </ol>
 * The interrupt gevent4j caused is consumed, on the greenlet's own thread, when the last
 * pending raise is thrown ({@code throwPending}), withdrawn ({@link #cancelRaise}, a
 * Timeout closed) or ends the body: the status is cleared whoever re-asserted it since
 * (a JDK call that left it set, a library that caught {@code InterruptedException} and
 * re-interrupted, as HikariCP does), because all of that is the raise's echo. A status the
 * user set before the raise is left alone. A raise withdrawn by another greenlet (which
 * cannot clear this thread's status) leaves it for this greenlet's next gevent4j call.
 *
 * <p>No hook in the hub's scheduling is needed: interrupting regardless of state already
 * reaches every blocking point, and re-interrupting at each later JDK park would spin
 * through calls that absorb interrupts ({@code ReentrantLock.lock} parks again). What Java
 * does not allow: code that keeps running without reaching a blocking point nor calling
 * gevent4j cannot be stopped, and a library that re-asserts the interrupt makes each of
 * its would-be blocking calls fail at once without parking, so a catch-and-retry loop
 * over it that never calls gevent4j spins on the hub's thread until it stops retrying.
 */
public class RawGreenlet {

    static final byte NEW = 0;
    static final byte RUNNING = 1;
    static final byte SUSPENDED = 2;
    static final byte RESUMED = 3;
    static final byte DEAD = 4;
    static final byte STARTING = 5;

    private static final ThreadLocal<RawGreenlet> ADOPTED = new ThreadLocal<>();
    /** The empty {@code inbox}: a value nobody can switch (a {@code null} value can be). */
    private static final Object EMPTY = new Object();

    /** An exception switched into the inbox ({@link #throwInto}), told apart from a value that is one. */
    private record Thrown(Throwable error) {
    }

    final Hub hub;
    Thread thread;
    /** A byte, not an int: with the flags it fills the object's last word (every greenlet has one). */
    byte state;
    /** The hub's list of started greenlets (see {@link Hub}). */
    RawGreenlet liveNext;
    RawGreenlet livePrev;
    private final boolean main;
    private final Function<Object, Object> run;
    private RawGreenlet parent;
    private Throwable pendingThrow;
    private ArrayDeque<Throwable> laterThrows;
    private boolean raiseInterrupt;
    private final Runnable mainWake;
    private boolean mainWakeQueued;
    /** The value switched in, {@link #EMPTY} when none waits; an exception to raise comes {@link Thrown}. */
    private Object inbox = EMPTY;

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

    /**
     * The thread this greenlet runs on; {@code null} before it started, possibly until its
     * turn to run comes (the hub may make the thread only then), and once its body has
     * ended, so that a dead greenlet kept in a list holds no virtual thread (nor its
     * continuation) and costs the garbage collector only its own record.
     */
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
     * it waits in gevent4j; otherwise its thread is interrupted, so the JDK blocking call it
     * is parked in, or the next one it makes, ends as the JDK specifies for interrupts, and
     * the exception itself is thrown at its next gevent4j call (any wait,
     * {@code Timeout.start}, {@code sleep(0)}), or replaces the exception the body ends
     * with if it ends by one first. Exceptions
     * raised while one is pending queue behind it. The exception kill and Timeout use.
     * Hub thread only; does nothing on a dead greenlet.
     */
    public final void raiseLater(Throwable error) {
        Objects.requireNonNull(error, "error");
        hub.loop.checkThread();
        if (state == DEAD) {
            return;
        }
        if (pendingThrow == null) {
            pendingThrow = error;
        } else {
            if (laterThrows == null) {
                laterThrows = new ArrayDeque<>(2);
            }
            laterThrows.addLast(error);
        }
        if (state == SUSPENDED) {
            resume();
        } else if (!main && thread != null && !thread.isInterrupted()) {
            raiseInterrupt = true;
            thread.interrupt();
        }
    }

    /**
     * Withdraws {@code error} if it is still pending; returns whether it was. When nothing
     * is left pending, the interrupt that {@link #raiseLater} set is cleared: at once when
     * called on this greenlet's thread, else at its next gevent4j call.
     */
    public final boolean cancelRaise(Throwable error) {
        boolean removed = false;
        if (pendingThrow == error) {
            pendingThrow = nextLaterThrow();
            removed = true;
        } else if (laterThrows != null) {
            for (Iterator<Throwable> it = laterThrows.iterator(); it.hasNext(); ) {
                if (it.next() == error) {
                    it.remove();
                    removed = true;
                    break;
                }
            }
        }
        if (removed && pendingThrow == null) {
            consumeInterrupt();
        }
        return removed;
    }

    /** Whether an exception waits to be raised at this greenlet's next gevent4j call. */
    public final boolean hasPendingRaise() {
        return pendingThrow != null;
    }

    private Throwable nextLaterThrow() {
        return laterThrows == null ? null : laterThrows.pollFirst();
    }

    /** Clears the interrupt status gevent4j set, if it did and this is the greenlet's thread. */
    private void consumeInterrupt() {
        if (raiseInterrupt && Thread.currentThread() == thread) {
            raiseInterrupt = false;
            Thread.interrupted();
        }
    }

    /**
     * The body. The default applies the function given to the constructor; a subclass may
     * override it, as a subclass of gevent's greenlet overrides {@code run}.
     */
    protected Object run(Object arg) throws Throwable {
        return run.apply(arg);
    }

    /**
     * Called by {@link Hub#close()} on the hub's thread for each greenlet still alive; the
     * default raises a {@link java.util.concurrent.CancellationException} where it blocks.
     * A subclass ends itself its own way (a {@code Greenlet} is killed).
     */
    protected void hubClosing() {
        raiseLater(new java.util.concurrent.CancellationException("hub closed: " + hub));
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

    /**
     * The entry check of a wait the user's interrupt may end ({@code Lock.lockInterruptibly},
     * {@code Future.get}): a pending kill or {@code Timeout} first, as {@link #throwPending()},
     * then an interrupt the user set, as {@link InterruptedException} with the status cleared.
     * Only on this greenlet's own thread.
     */
    public final void throwPendingOrInterrupt() throws InterruptedException {
        throwPending();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /**
     * Throws the first pending asynchronous exception, if any, clearing it, and clears the
     * interrupt status {@link #raiseLater} set once nothing is left pending. Every gevent4j
     * wait calls it; code that offers a point where a kill may surface calls it too. Only on
     * this greenlet's own thread.
     */
    public final void throwPending() {
        Throwable t = pendingThrow;
        if (t == null) {
            consumeInterrupt();
            return;
        }
        pendingThrow = nextLaterThrow();
        if (pendingThrow == null) {
            consumeInterrupt();
        }
        throw Hub.sneaky(t);
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
        suspend(false);
    }

    /**
     * As {@link #suspend()}; if {@code interruptible}, the suspension also ends when the
     * thread is interrupted (the status stays set): a main greenlet then takes its turn back
     * from the loop at the end of the loop's current iteration.
     */
    final void suspend(boolean interruptible) {
        if (main) {
            if (state == SUSPENDED) {
                throw new IllegalStateException(
                        "cannot block in a hub callback (a link or watcher callback); spawn a greenlet to block");
            }
            state = SUSPENDED;
            try {
                hub.drive(interruptible);
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
                    if (interruptible) {
                        break;
                    }
                }
            }
        } finally {
            hub.suspendedGreenlets--;
            state = RUNNING;
            if (!interrupted && pendingThrow != null) {
                raiseInterrupt = true;
                interrupted = true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Gevent's {@code sleep} for a positive delay: blocks the current greenlet until
     * {@code nanos} have passed on its hub's own timer heap, while the hub's other greenlets
     * run. A kill or {@code Timeout} raised meanwhile (or pending) is thrown here; the timer
     * is closed either way. Allocates the timer and its callback, nothing else, and parks
     * with as few frames as a wait can: every sleeping greenlet keeps them on the heap.
     *
     * @throws IllegalArgumentException if {@code nanos} is not positive
     * @throws IllegalStateException on a virtual thread of the JDK's default scheduler, or
     *         in a hub callback
     */
    public static void sleep(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("sleep needs a positive delay: " + nanos + " ns");
        }
        RawGreenlet self = current();
        self.throwPending();
        TimerWatcher timer = new TimerWatcher(self.hub.loop, nanos, 0);
        timer.start(self::resume);
        try {
            do {
                self.suspend(false);
                self.throwPending();
            } while (timer.active);
        } finally {
            timer.close();
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

    /**
     * Queues {@link #runLinks()} to run from the hub behind the greenlets ready now, as
     * a {@link Linkable}'s notifier runs: the greenlets it wakes run right after it.
     * Allocates nothing. Hub thread only.
     */
    protected final void scheduleNotify() {
        hub.loop.checkThread();
        hub.loop.scheduleNotify(this);
    }

    /**
     * Called from the hub once per {@link #scheduleNotify()}; the default does nothing. A
     * subclass that keeps links of its own (a {@code Greenlet}'s first link) runs them here.
     */
    protected void runLinks() {
    }

    /**
     * The loop reached this greenlet in its ready queue: its queued start when STARTING
     * (the thread's first run comes right after this, as the loop runs what a notifier
     * queues), else what {@link #scheduleNotify()} queued.
     */
    final void notifyLinks() {
        if (!startIfQueued()) {
            runLinks();
        }
    }

    /**
     * Makes and starts the thread of this greenlet if its start is queued (STARTING), and
     * says whether it was: its first run goes where the hub's scheduler puts it (the orphans'
     * thread once the hub closed, so a greenlet ended by the close still runs to its end).
     * If the thread cannot be made or started, the greenlet ends failed (see {@link #launch}).
     */
    final boolean startIfQueued() {
        if (state != STARTING) {
            return false;
        }
        state = NEW;
        launch(false, false);
        return true;
    }

    /**
     * Says whether this greenlet, not started yet, is due to start later (a delayed start):
     * while it is, {@link Hub#close()} ends it too, through {@link #hubClosing()}, so a
     * greenlet the closed hub can never start does not stay unfinished. Hub thread only.
     */
    protected final void startsLater(boolean due) {
        hub.loop.checkThread();
        if (due) {
            hub.delayedStarts.add(this);
        } else {
            hub.delayedStarts.remove(this);
        }
    }

    /**
     * Starts the greenlet: it runs after the greenlets already ready, or with {@code runNext}
     * before them. A greenlet whose thread cannot be made or started does not run: it ends
     * failed with that error ({@link #exit} runs), and this returns normally. Hub thread only.
     *
     * @throws IllegalStateException if the greenlet was started before
     */
    protected final void startThread(boolean runNext) {
        if (thread != null || state != NEW) {
            throw new IllegalStateException("greenlet already started");
        }
        hub.started(this);
        GreenletEvents.started(this);
        if (!runNext && handsDownNothing()) {
            state = STARTING;
            hub.loop.scheduleStart(this);
            return;
        }
        launch(true, runNext);
    }

    /**
     * Makes the greenlet's thread and starts it, its first run at the head of the hub's ready
     * queue with {@code runNext}. If that fails (an {@link OutOfMemoryError}, a thread the JDK
     * refuses), the greenlet ends at once, failed with that error, as if its body had thrown
     * it before it began: {@link #exit} runs on the caller's thread, which goes on.
     */
    private void launch(boolean inherit, boolean runNext) {
        try {
            thread = newThread(inherit);
            if (runNext) {
                hub.loop.setRunNext();
            }
            try {
                thread.start();
            } finally {
                hub.loop.clearRunNext();
            }
        } catch (RuntimeException | Error e) {
            end(null, e);
        }
    }

    /**
     * Makes this greenlet's thread, unstarted; with {@code inherit} it inherits the calling
     * thread's inheritable thread-locals and context class loader (see {@link Hub#newThread}).
     */
    Thread newThread(boolean inherit) {
        return hub.newThread(new Handle(this), inherit);
    }

    /**
     * Whether a thread made now on the calling thread would inherit nothing from it: no
     * inheritable thread-locals, and the system class loader as its context class loader,
     * as a thread the hub makes later without inheriting has.
     */
    private static boolean handsDownNothing() {
        return Thread.currentThread().getContextClassLoader() == ClassLoader.getSystemClassLoader()
                && !JdkAccess.hasInheritableThreadLocals();
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
        inbox = error == null ? value : new Thrown(error);
        if (state == NEW) {
            startThread(true);
        } else if (state == SUSPENDED) {
            hub.loop.setRunNext();
            resume();
            hub.loop.clearRunNext();
        }
    }

    private Object awaitSwitch() {
        while (inbox == EMPTY) {
            throwPending();
            suspend();
        }
        return takeInbox();
    }

    private Object takeInbox() {
        Object v = inbox;
        inbox = EMPTY;
        if (v instanceof Thrown thrown) {
            throw Hub.sneaky(thrown.error);
        }
        return v;
    }

    /**
     * The greenlet is dead: it leaves the hub's live greenlets, drops the raises still
     * pending and hands its outcome to {@link #exit}. On its own thread, whose end is near,
     * or, if it never got one, on the hub's.
     */
    private void end(Object result, Throwable failure) {
        state = DEAD;
        hub.ended(this);
        GreenletEvents.ended(this);
        pendingThrow = null;
        laterThrows = null;
        consumeInterrupt();
        exit(result, failure);
        thread = null; // the thread ends now: a dead greenlet does not keep it reachable
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case NEW -> "new";
            case RUNNING -> "running";
            case SUSPENDED -> "suspended";
            case RESUMED -> "resumed";
            case STARTING -> "starting";
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

        /**
         * The greenlet's body, on its own virtual thread. It runs in this frame rather than in
         * a method of the greenlet's: every parked greenlet keeps the frames below its park
         * for its life, each ~100 bytes while the JIT has not compiled it.
         */
        @Override
        public void run() {
            RawGreenlet g = greenlet;
            g.state = RUNNING;
            Object result = null;
            Throwable failure = null;
            try {
                Object arg = g.inbox == EMPTY ? null : g.takeInbox();
                g.throwPending();
                result = g.run(arg);
            } catch (Throwable t) {
                failure = t;
            }
            if (g.pendingThrow != null && failure != null) {
                failure = g.pendingThrow;
            }
            g.end(result, failure);
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            greenlet.hub.handleError(greenlet, e);
        }
    }
}
