package io.gevent4j.hub;

import io.gevent4j.config.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A hub's event loop, libev's role: a FIFO of ready tasks (greenlets to resume and
 * callbacks), a heap of timers, a {@link Selector} for I/O, prepare/check/idle watchers,
 * and a thread-safe inbox through which other threads hand it work.
 *
 * <p><b>Threads.</b> A loop belongs to its hub's platform thread. Every method must be
 * called there (by a greenlet of the hub or by a loop callback), except
 * {@link #runCallbackThreadsafe}, {@link AsyncWatcher#send()} and the hub's scheduler.
 * A call from another thread throws {@link IllegalStateException}.
 *
 * <p><b>Implementation overview.</b> One iteration ({@link #runOnce}) is: move the inbox
 * into the ready queue; run the tasks that were ready when the iteration began (tasks made
 * ready meanwhile wait for the next iteration, so {@code sleep(0)} lets every ready
 * greenlet run once, except the greenlets a {@link Linkable}'s notifier wakes, which run
 * right after it, as gevent's notifier switches into them); run prepare watchers; poll for I/O, without sleeping if
 * anything is ready, pending or idle-watched (and then only every 64 iterations or
 * 50 µs, since a poll is a syscall and a switch between greenlets should not cost one),
 * else until the next timer; expire timers,
 * dispatch I/O readiness, run check watchers and, if nothing else is pending, idle
 * watchers; invoke the pending callbacks in that order. {@link #breakLoop()} makes
 * {@code runOnce} return early; the next call resumes the iteration in the phase it left.
 * I/O is polled through a {@link Poller}, chosen by the setting {@code gevent4j.loop}
 * ({@link Config#LOOP}): on Linux with native access an epoll of the loop's own, in which the
 * JDK {@link Selector} of its channels is nested and raw file descriptors are watched
 * ({@link EpollPoller}, {@link FdWatcher}), else the JDK {@link Selector} ({@link SelectorPoller}).
 * The loop sleeps in its poller, or, while no channel is registered (nothing to select
 * on: a main thread that waits for other threads, say), parked, after a short adaptive
 * spin ({@link AdaptiveSpin}) on its inbox: another thread ends a park with one futex
 * wake, where a selector's wake-up costs an eventfd write, the epoll return and a read to
 * drain it ({@code SwitchBench.mainGetFromOtherHub}, 2 cores shared with other work: 23 µs
 * in the selector, 8 µs parked). Either way it sleeps through the {@link Inbox}'s
 * handshake, so a task handed over by another thread is never left unseen and the sleep is
 * woken at most once.
 */
public final class Loop implements AutoCloseable {

    private final Hub hub;
    private final Thread thread;
    private final Thread carrier;
    /** How the loop polls and sleeps. */
    final Poller poller;
    /** The poller's JDK selector, in which {@link IoWatcher}s register their channels. */
    final Selector selector;
    final TimerHeap timers = new TimerHeap();
    final ArrayList<Watcher> pendingWatchers = new ArrayList<>();
    final ArrayList<Watcher> prepareWatchers = new ArrayList<>();
    final ArrayList<Watcher> checkWatchers = new ArrayList<>();
    final ArrayList<Watcher> idleWatchers = new ArrayList<>();
    /** {@link Runnable}s, {@link CallbackWatcher}s, and {@link Linkable}s whose notifier is due (queued as themselves: no task object). */
    private final ArrayDeque<Object> ready = new ArrayDeque<>(256);
    /** What a running notifier makes ready; it runs right after the notifier, in that order. */
    private final ArrayDeque<Object> notified = new ArrayDeque<>();
    private boolean notifying;
    private final Inbox inbox = new Inbox();
    /**
     * The thread about to park in the loop's sleep, {@code null} if it sleeps in the
     * selector: written before the inbox's handshake announces the sleep, so the producer
     * that claims the wake-up reads it after its claim and knows how to wake it.
     */
    private Thread parkedSleeper;
    /** When a producer last unparked the loop ({@link System#nanoTime()}): how long its wake-up took. */
    private volatile long unparkNanos;
    /**
     * Before it parks, the loop spins a little while its recent sleeps were short (a main
     * thread awaiting another thread's quick answer): the owner and the carrier take turns
     * with it, never at once.
     */
    private final AdaptiveSpin sleepSpin = new AdaptiveSpin();
    private final BooleanSupplier handedOrInterrupted =
            () -> !inbox.isEmpty() || Thread.currentThread().isInterrupted();
    /** How long {@link #closeChannel} from another thread lets the hub release the channel. */
    private static final long FOREIGN_CLOSE_WAIT_NANOS = 100_000_000;
    int activeRefs;
    private static final int PHASE_START = 0;
    private static final int PHASE_READY = 1;
    private static final int PHASE_PREPARE = 2;
    private static final int PHASE_PENDING = 3;

    /** While greenlets are ready, I/O is polled at least this often (iterations or time). */
    private static final int BUSY_POLL_ITERATIONS = 64;
    private static final long BUSY_POLL_NANOS = 50_000;

    private int phase = PHASE_START;
    private int busyIterations;
    private long lastPoll;
    private int passRemaining;
    private boolean runNext;
    private boolean breakRequested;
    private boolean greenletNext;
    private long now;
    private long iteration;
    private long polls;

    // ---- The blocking monitor: the loop's progress, read without locks from its thread ----
    private static final VarHandle TURNS;
    private static final VarHandle SLEEPING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TURNS = lookup.findVarHandle(Loop.class, "turns", long.class);
            SLEEPING = lookup.findVarHandle(Loop.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Bumped with an opaque store (a plain store on x86) before every task and callback. */
    private long turns;
    /** Set with opaque stores while the loop waits for work: in its selector, or spinning and parked when no channel is registered. */
    private boolean sleeping;

    /**
     * How many tasks (greenlet runs) and callbacks the loop has started: a counter that
     * does not move while one of them runs without switching. Any thread, without a lock.
     */
    public long turns() {
        return (long) TURNS.getOpaque(this);
    }

    /**
     * Whether the loop waits for work (nothing to run): in its selector, or, with no channel
     * registered, spinning briefly and then parked. Any thread, without a lock.
     */
    public boolean isSleeping() {
        return (boolean) SLEEPING.getOpaque(this);
    }

    private void turn() {
        TURNS.setOpaque(this, turns + 1);
    }

    /**
     * Run info: the active timer, io (channels', then descriptors'), prepare, check and idle
     * watchers, in that order (async, signal and child watchers are not listed). Hub-thread only.
     */
    public List<Watcher> activeWatchers() {
        checkThread();
        List<Watcher> all = new ArrayList<>();
        timers.forEach(all::add);
        if (!isClosed()) {
            poller.collectActive(all);
        }
        all.addAll(prepareWatchers);
        all.addAll(checkWatchers);
        all.addAll(idleWatchers);
        return all;
    }

    Loop(Hub hub, Thread thread, Thread carrier) {
        this.hub = hub;
        this.thread = thread;
        this.carrier = carrier;
        this.poller = openPoller(Config.get().loop());
        this.selector = poller.selector;
        this.now = System.nanoTime();
    }

    /**
     * The poller of {@code mode}, a value of {@link Config#LOOP}: {@code auto} is epoll where
     * it is available.
     *
     * @throws IllegalStateException if {@code mode} is {@code epoll} and epoll is not
     *         available, naming what is missing
     */
    private static Poller openPoller(String mode) {
        try {
            Selector selector = Selector.open();
            String unavailable = EpollPoller.unavailableReason(selector);
            if (mode.equals("epoll") && unavailable != null) {
                selector.close();
                throw new IllegalStateException(Config.LOOP.propertyName()
                        + " is epoll, but the loop cannot poll through epoll: " + unavailable);
            }
            return mode.equals("selector") || unavailable != null
                    ? new SelectorPoller(selector) : EpollPoller.open(selector);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the loop's poller", e);
        }
    }

    /** The hub that owns this loop. */
    public Hub hub() {
        return hub;
    }

    /**
     * The loop's cached monotonic time in nanoseconds ({@link System#nanoTime()} scale),
     * updated once per iteration after polling (libev's {@code ev_now}).
     */
    public long now() {
        return now;
    }

    /** Refreshes {@link #now()} from the clock (libev's {@code ev_now_update}). */
    public void updateNow() {
        now = System.nanoTime();
    }

    /** How many times the loop has polled for I/O (each poll costs a system call). Hub-thread only. */
    public long polls() {
        return polls;
    }

    /** How many iterations the loop has run. */
    public long iteration() {
        return iteration;
    }

    /** An inactive watcher of {@code ops} ({@link SelectionKey} bits) on a non-blocking channel. */
    public IoWatcher io(SelectableChannel channel, int ops) {
        checkThread();
        return new IoWatcher(this, Objects.requireNonNull(channel, "channel"), ops);
    }

    /**
     * An inactive watcher of {@code ops} ({@link SelectionKey} bits) on the raw file
     * descriptor {@code fd}: see {@link FdWatcher}. Making it registers the descriptor with the
     * loop's epoll (a system call); starting and stopping it cost none.
     *
     * @throws IllegalStateException if this loop does not {@linkplain #watchesFds() watch
     *         descriptors} or is closed, or off the hub's thread
     * @throws IllegalArgumentException if {@code ops} is empty or not {@code SelectionKey}
     *         bits, or {@code fd} is not open, is the loop's own or cannot be watched (a
     *         regular file)
     */
    public FdWatcher fdWatcher(int fd, int ops) {
        checkThread();
        if (isClosed()) {
            throw new IllegalStateException("the loop is closed");
        }
        if (!(poller instanceof EpollPoller epoll)) {
            String unavailable = EpollPoller.unavailableReason(selector);
            throw new IllegalStateException("this loop polls the JDK's selector and watches no file descriptors ("
                    + Config.LOOP.propertyName() + "=" + Config.get().loop()
                    + (unavailable == null ? ")" : "; epoll: " + unavailable + ")"));
        }
        return new FdWatcher(this, epoll, fd, ops);
    }

    /**
     * Whether this loop watches raw file descriptors ({@link #fdWatcher}): it polls through an
     * epoll of its own. Any thread.
     */
    public boolean watchesFds() {
        return poller instanceof EpollPoller;
    }

    /** An inactive timer firing {@code after} from its start, then every {@code repeat} unless zero. */
    public TimerWatcher timer(Duration after, Duration repeat) {
        checkThread();
        return new TimerWatcher(this, after.toNanos(), repeat.toNanos());
    }

    /** An inactive one-shot timer. */
    public TimerWatcher timer(Duration after) {
        return timer(after, Duration.ZERO);
    }

    /** An inactive prepare watcher. */
    public PrepareWatcher prepare() {
        checkThread();
        return new PrepareWatcher(this);
    }

    /** An inactive check watcher. */
    public CheckWatcher check() {
        checkThread();
        return new CheckWatcher(this);
    }

    /** An inactive idle watcher. */
    public IdleWatcher idle() {
        checkThread();
        return new IdleWatcher(this);
    }

    /** An inactive async watcher, to be woken from any thread. */
    public AsyncWatcher async() {
        checkThread();
        return new AsyncWatcher(this);
    }

    /**
     * A new, inactive watcher of the operating-system signal {@code signal} ({@code TERM} or
     * {@code SIGTERM}); see {@link SignalWatcher} for the signals the JVM keeps.
     */
    public SignalWatcher signal(String signal) {
        Objects.requireNonNull(signal, "signal");
        checkThread();
        return new SignalWatcher(this, signal);
    }

    /** A new, inactive watcher of the exit of the child {@code process}. */
    public ChildWatcher child(Process process) {
        Objects.requireNonNull(process, "process");
        checkThread();
        return new ChildWatcher(this, process);
    }

    /** Queues {@code callback} behind the greenlets ready now; the returned watcher can cancel it. */
    public CallbackWatcher runCallback(Runnable callback) {
        CallbackWatcher w = new CallbackWatcher(this);
        w.start(callback);
        ready.addLast(w);
        return w;
    }

    /**
     * Queues {@code task} to run once behind the greenlets ready now, like
     * {@link #runCallback} but without a watcher to cancel it, so it costs no allocation.
     * Hub-thread only.
     */
    public void schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        checkThread();
        ready.addLast(task);
    }

    /**
     * Queues the notifier of {@code notifier}, a {@link Linkable} or a {@link RawGreenlet},
     * behind the greenlets ready now, allocating nothing. Hub-thread only.
     */
    void scheduleNotify(Object notifier) {
        ready.addLast(notifier);
    }

    /**
     * Queues the start of {@code greenlet} where its thread's first run would be queued from
     * this thread ({@link #executeFromAnyThread}); the loop runs it as the greenlet's notifier,
     * which starts the thread, whose first run then comes right after it. Allocates nothing.
     * Hub-thread only.
     */
    void scheduleStart(RawGreenlet greenlet) {
        queueHere(greenlet);
    }

    /**
     * Queues {@code task} from the loop's thread behind the greenlets ready now, or, while a
     * notifier runs, behind those it woke, which run right after it.
     */
    private void queueHere(Object task) {
        if (notifying) {
            notified.addLast(task);
        } else {
            ready.addLast(task);
        }
    }

    /**
     * Queues {@code callback} from any thread; it runs on the hub's thread. Never blocks,
     * never throws; after the loop closed the callback is dropped.
     */
    public void runCallbackThreadsafe(Runnable callback) {
        hub.handOver(Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Closes {@code channel} and releases its file descriptor before returning, so its port
     * is free and its peer sees the close: the JDK defers the real close of a channel
     * registered with a selector until that selector's next select, which this brings about
     * now. Any thread: on the hub's thread it selects at once (readiness found meanwhile is
     * dispatched as usual); from another thread it hands that to the hub and waits until the
     * hub has done it, and selects itself if the hub does not within 100 ms (a hub whose
     * threads no longer run its loop). Waiting for the channel to be deregistered is not
     * enough: the selecting thread closes the descriptor just after it deregisters it.
     *
     * <p>A stream connection ({@link SocketChannel}) closed on the hub's thread is the
     * exception: its descriptor is released by the loop's next poll, and it is not waited
     * for. The JDK has already shut its output down, so the peer sees the end of stream at
     * once (with {@code SO_LINGER} zero its reset waits for that poll), and its local port
     * is not one a server rebinds; polling at every close would make a hub that closes n
     * connections in one iteration poll n times, each poll returning every channel still
     * ready (quadratic when many peers hang up at once).
     */
    public void closeChannel(SelectableChannel channel) throws IOException {
        channel.close();
        if (!channel.isRegistered() || isClosed()) {
            return;
        }
        try {
            if (onLoopThread()) {
                if (channel instanceof SocketChannel) {
                    poller.channelsChanged();
                } else {
                    selectChannelsNow();
                }
                return;
            }
            CountDownLatch released = new CountDownLatch(1);
            executeFromAnyThread(() -> {
                try {
                    if (channel.isRegistered() && !isClosed()) {
                        selectChannelsNow();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (ClosedSelectorException e) {
                    // the loop closed meanwhile, which released every channel
                } finally {
                    released.countDown();
                }
            });
            if (!awaitUninterruptibly(released, FOREIGN_CLOSE_WAIT_NANOS)) {
                releaseFromThisThread();
            }
        } catch (ClosedSelectorException e) {
            // the loop closed meanwhile, which released every channel
        }
    }

    /**
     * Selects from this foreign thread so that the selector releases the descriptors of the
     * channels closed meanwhile. The readiness this select finds is not dispatched and not
     * lost: the JDK's selectors are level-triggered, so the hub's next select reports it
     * again. But a select also consumes a pending {@link java.nio.channels.Selector#wakeup},
     * which on a {@link SelectorPoller} may be the one a producer sent through the
     * {@link Inbox} handshake to a hub about to block (that hub would then sleep with a task
     * in its inbox and no one left to wake it), so this wakes the poller again: at worst the
     * hub polls once for nothing. ({@link EpollPoller}'s wake-up is an eventfd of its own,
     * which no select consumes.)
     */
    private void releaseFromThisThread() throws IOException {
        selector.selectNow(key -> { });
        poller.wakeup();
    }

    /**
     * Waits up to {@code nanos} ({@code Long.MAX_VALUE}: no limit) for {@code latch}; an
     * interrupt meanwhile, or set before, is kept for the caller. Returns whether the latch
     * reached zero.
     */
    static boolean awaitUninterruptibly(CountDownLatch latch, long nanos) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + nanos;
        try {
            while (true) {
                try {
                    return latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Makes the current iteration return as soon as the running task or callback returns. */
    public void breakLoop() {
        breakRequested = true;
    }

    /** Whether the loop was closed. Any thread. */
    public boolean isClosed() {
        return !poller.isOpen();
    }

    /** Closes the poller (its selector and what else it holds); queued work is dropped. Idempotent; hub-thread only. */
    @Override
    public void close() {
        if (isClosed()) {
            return;
        }
        checkThread();
        try {
            poller.close();
        } catch (IOException e) {
            hub.handleError(this, e);
        }
        ready.clear();
        passRemaining = 0;
        breakRequested = true;   // closed from a callback: the iteration running it stops there
    }

    /** Whether some referenced watcher is active or something is queued: the loop has work. */
    boolean alive() {
        return activeRefs > 0 || !ready.isEmpty() || !pendingWatchers.isEmpty() || !inbox.isEmpty();
    }

    void checkThread() {
        if (!onLoopThread()) {
            throw new IllegalStateException("this loop belongs to hub thread " + thread.getName()
                    + "; called from " + Thread.currentThread());
        }
    }

    /**
     * Whether the caller runs on this loop's hub: its owner thread, or its carrier (loop
     * callbacks and greenlets). The two take turns and never run at once.
     */
    boolean onLoopThread() {
        Thread t = JdkAccess.currentCarrierThread();
        return t == carrier || t == thread;
    }

    /**
     * The hub's scheduler entry: from the loop thread the task joins the ready queue (at
     * its head when {@link #runNext} is set, for an immediate switch); from another thread
     * it goes through the inbox and wakes the loop if it sleeps.
     */
    void executeFromAnyThread(Runnable task) {
        if (onLoopThread()) {
            if (runNext) {
                runNext = false;
                ready.addFirst(task);
            } else {
                queueHere(task);
            }
        } else {
            if (inbox.offer(task)) {
                wakeSleeper();
            }
        }
    }

    /** The next task queued from this thread goes to the head of the ready queue. */
    void setRunNext() {
        runNext = true;
    }

    void clearRunNext() {
        runNext = false;
    }

    /** Drops the selector's cancelled keys so that a channel can register again. */
    void flushCancelledKeys() {
        try {
            selectChannelsNow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the loop until the end of the current iteration (see the class comment), or
     * until {@link #breakLoop()}: then it returns at once, and the next call resumes the
     * same iteration where it stopped, so a main greenlet that is woken and blocks again
     * costs no extra poll. May block in the selector only when nothing is ready, pending or
     * idle-watched.
     */
    void runOnce() {
        breakRequested = false;
        if (phase == PHASE_START) {
            iteration++;
            drainInbox();
            passRemaining = ready.size();
            phase = PHASE_READY;
        }
        if (phase == PHASE_READY) {
            while (passRemaining > 0) {
                if (Hub.runsGreenlet(ready.peekFirst()) && Thread.currentThread() == thread) {
                    greenletNext = true;
                    return;
                }
                passRemaining--;
                runTask(ready.pollFirst());
                if (breakRequested) {
                    return;
                }
            }
            feedEach(prepareWatchers);
            phase = PHASE_PREPARE;
        }
        if (phase == PHASE_PREPARE) {
            if (!invokePending()) {
                return;
            }
            poll();
            updateNow();
            while (timers.size() > 0 && timers.firstDeadline() - now <= 0) {
                timers.poll().expire();
            }
            feedEach(checkWatchers);
            if (pendingWatchers.isEmpty() && ready.isEmpty() && inbox.isEmpty()) {
                feedEach(idleWatchers);
            }
            phase = PHASE_PENDING;
        }
        if (invokePending()) {
            phase = PHASE_START;
        }
    }

    /**
     * Owner thread, while its main greenlet waits: {@link #runOnce}, which on the owner
     * thread returns before it would run a greenlet, since greenlets run on the hub's
     * carrier thread only (see {@link Carrier}). Timers, I/O, callbacks and the main
     * greenlet's own wake-up run here. Returns whether a greenlet is next; the carrier's
     * {@code runOnce} resumes the iteration with it.
     */
    boolean runOnceUntilGreenlet() {
        try {
            runOnce();
            return greenletNext;
        } finally {
            greenletNext = false;
        }
    }

    private void poll() {
        if (isClosed()) {
            return;
        }
        try {
            if (!ready.isEmpty() || !pendingWatchers.isEmpty() || !idleWatchers.isEmpty() || breakRequested) {
                // Busy: greenlets wait to run. Polling costs a syscall, so while busy the
                // loop polls only every BUSY_POLL_ITERATIONS iterations or BUSY_POLL_NANOS.
                long t = System.nanoTime();
                if (++busyIterations >= BUSY_POLL_ITERATIONS || t - lastPoll >= BUSY_POLL_NANOS) {
                    busyIterations = 0;
                    lastPoll = t;
                    pollNow();
                }
                return;
            }
            busyIterations = 0;
            long timeoutNanos = 0; // 0: no timer, sleep until woken
            if (activeRefs == 0 && !hub.hasGreenletsInJdkCalls()) {
                // nothing referenced could wake a sleep (an unreferenced timer does not keep
                // the loop alive): let the hub see that (LoopExit) instead of sleeping
                pollNow();
                return;
            }
            if (timers.size() > 0) {
                timeoutNanos = timers.firstDeadline() - System.nanoTime();
                if (timeoutNanos <= 0) {
                    pollNow();
                    return;
                }
            }
            // nothing registered: no readiness to wait for, so park, which another
            // thread ends with an unpark, cheaper than a poller's wake-up
            parkedSleeper = poller.watchesNothing() ? Thread.currentThread() : null;
            if (!inbox.prepareToSleep()) {
                pollNow();
                return;
            }
            SLEEPING.setOpaque(this, true);
            try {
                sleep(timeoutNanos);
            } finally {
                SLEEPING.setOpaque(this, false);
                inbox.awake();
            }
            lastPoll = System.nanoTime();
        } catch (IOException e) {
            hub.handleError(this, e);
        }
    }

    /**
     * Sleeps until woken, or {@code timeoutNanos} (0: no limit): parked if
     * {@link #parkedSleeper} is set, else in the poller, dispatching what becomes ready.
     */
    private void sleep(long timeoutNanos) throws IOException {
        if (parkedSleeper != null) {
            if ((timeoutNanos == 0 || timeoutNanos > AdaptiveSpin.MAX_SPIN_NANOS)
                    && sleepSpin.spinUntil(handedOrInterrupted)) {
                return;
            }
            long parkedAt = System.nanoTime();
            if (timeoutNanos == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
            long unparkedAt = unparkNanos;
            if (unparkedAt - parkedAt > 0) {
                sleepSpin.wokenUp(System.nanoTime() - unparkedAt);
            }
            return;
        }
        polls++;
        poller.sleep(timeoutNanos);
    }

    /**
     * Wakes the loop that sleeps now, for the caller that claimed the wake-up through the
     * inbox: the thread that parked (see {@link #sleep}), or the poller.
     */
    private void wakeSleeper() {
        Thread parked = parkedSleeper;
        if (parked != null) {
            unparkNanos = System.nanoTime();
            LockSupport.unpark(parked);
        } else {
            poller.wakeup();
        }
    }

    /** Polls without waiting, dispatching what is ready (and releasing the channels closed meanwhile). */
    private void pollNow() throws IOException {
        polls++;
        poller.pollNow();
    }

    /** Selects the JDK selector without waiting: see {@link Poller#selectChannelsNow()}. */
    private void selectChannelsNow() throws IOException {
        polls++;
        poller.selectChannelsNow();
    }

    /**
     * Hands the tasks still queued to run, except notifiers (a {@link Linkable}'s, a
     * {@link RawGreenlet}'s) and callback watchers, to {@code executor}, and makes the thread of a greenlet whose
     * start is still queued, which the closed hub's scheduler hands on as it hands on any
     * first run; used by the hub once it is closed, before {@link #close()} drops them.
     * Hub-thread only.
     */
    void drainReadyTo(Executor executor) {
        for (ArrayDeque<Object> queue : List.of(ready, notified)) {
            Object task;
            while ((task = queue.pollFirst()) != null) {
                if (task instanceof RawGreenlet g) {
                    g.startIfQueued();
                } else if (task instanceof Runnable r) {
                    executor.execute(r);
                }
            }
        }
    }

    /** Hands what waits in the inbox to {@code executor}; used once the hub closed. Any thread. */
    void drainInboxTo(Executor executor) {
        inbox.drainTo(executor);
    }

    private void drainInbox() {
        Runnable task;
        while ((task = inbox.poll()) != null) {
            ready.addLast(task);
        }
    }

    private void runTask(Object task) {
        turn();
        try {
            if (task instanceof Linkable || task instanceof RawGreenlet) {
                runNotifier(task);
            } else if (task instanceof CallbackWatcher w) {
                w.invoke();
            } else {
                ((Runnable) task).run();
            }
        } catch (Throwable t) {
            hub.handleError(task, t);
        }
    }

    /**
     * Runs the notifier of {@code notifier}, a {@link Linkable} or a {@link RawGreenlet}; the
     * greenlets it wakes run next, in the order it woke them, within this pass: gevent's
     * notifier switches into each at once, so a notification costs no extra iteration of
     * the loop.
     */
    private void runNotifier(Object notifier) {
        notifying = true;
        try {
            if (notifier instanceof Linkable linkable) {
                linkable.notifyLinks();
            } else {
                ((RawGreenlet) notifier).notifyLinks();
            }
        } finally {
            notifying = false;
            if (isClosed()) {
                notified.clear(); // closed by a link: its queue was dropped, this goes with it
            } else {
                passRemaining += notified.size();
                while (!notified.isEmpty()) {
                    ready.addFirst(notified.pollLast());
                }
            }
        }
    }

    private static void feedEach(ArrayList<Watcher> watchers) {
        for (int i = 0; i < watchers.size(); i++) {
            watchers.get(i).feed();
        }
    }

    /** Invokes pending callbacks in order; returns false if a break stopped it (the rest stay pending). */
    private boolean invokePending() {
        ArrayList<Watcher> pending = pendingWatchers;
        int i = 0;
        boolean completed = true;
        while (i < pending.size()) {
            Watcher w = pending.get(i++);
            if (w.pending) {
                w.pending = false;
                turn();
                try {
                    w.invoke();
                } catch (Throwable t) {
                    hub.handleError(w, t);
                }
                if (breakRequested) {
                    completed = i == pending.size();
                    break;
                }
            }
        }
        if (i == pending.size()) {
            pending.clear();
        } else {
            pending.subList(0, i).clear();
        }
        return completed;
    }
}
