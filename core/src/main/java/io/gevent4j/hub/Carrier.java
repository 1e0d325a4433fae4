package io.gevent4j.hub;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The platform thread that carries a hub's greenlets, taking turns with the hub's owner
 * thread (its main greenlet). When the owner blocks in gevent4j it runs the loop itself
 * for as long as no greenlet needs to run: timers, I/O readiness and callbacks cost it no
 * hand-off, and a wait that they end (a sleep, a read on the owner's own socket, a result
 * set by another thread) wakes it as directly as a greenlet is woken. When a greenlet must
 * run, the owner hands its turn over and parks; the carrier runs the loop, greenlets
 * included, until the owner's wait is over (or can never end), then hands the turn back
 * with what the loop threw.
 *
 * <p>Why greenlets never run on the owner: a virtual thread cannot safely unmount from a
 * carrier whose own frames hold a monitor entered more than once (on JDK 25 the carrier's
 * lock state is then corrupt: {@code IllegalMonitorStateException} when the owner leaves
 * the monitor), and whether a platform thread holds monitors cannot be asked cheaply (a
 * stack walk that reads monitors costs 76-380 µs here). Were the owner the greenlets'
 * carrier, owner code that waits on gevent4j inside nested {@code synchronized} blocks (a
 * {@code BufferedReader} over a socket stream, say) would break its hub. The carrier's
 * stack holds nothing but the loop. Loop callbacks are plain calls, not continuations, so
 * they may run on either thread. So a wait that a greenlet ends (a join) still costs two
 * hand-offs; each side spins briefly before it parks ({@link AdaptiveSpin}), so that while
 * the turns come back within microseconds neither side pays an OS wake-up, and a side whose
 * turns come back late soon parks at once ({@code SwitchBench.mainJoin}, 2 cores shared with
 * other work: 12 µs without the spins, 6 µs with them).
 *
 * <p><b>Implementation overview.</b> {@code turn} says who may run; the owner and the
 * carrier never run hub code at the same time, and each hand-off is a volatile write read
 * by the other side before it continues, so everything one side did happens-before what
 * the other does next. A spin only reads {@code turn} before its side parks as it did
 * without it, and the other side unparks it either way, so no hand-off can be lost.
 * {@code ownerRunsLoop} only tells observers (the blocking monitor) which thread runs the
 * loop. The carrier is started on the first wait, is a daemon, and
 * exits when the hub closes or its owner thread has died (checked each second while idle).
 */
final class Carrier implements Runnable {

    private static final int OWNER = 0;
    private static final int CARRIER = 1;
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Hub hub;
    private final Thread owner;
    final Thread thread;
    private volatile int turn = OWNER;
    private volatile boolean ownerRunsLoop;
    private BooleanSupplier work;
    /** Set by the owner, interrupted in an interruptible wait: the carrier hands the turn back after its loop iteration. */
    private volatile boolean handBack;
    private Throwable failure;
    /** When the side that had the turn handed it over ({@link System#nanoTime()}); written before {@code turn}. */
    private long handOffNanos;
    private final AdaptiveSpin ownerSpin = new AdaptiveSpin();
    private final AdaptiveSpin carrierSpin = new AdaptiveSpin();
    private final BooleanSupplier ownerTurnOrInterrupt =
            () -> turn == OWNER || Thread.currentThread().isInterrupted();
    private final BooleanSupplier carrierTurn = () -> turn == CARRIER;

    Carrier(Hub hub, Thread owner) {
        this.hub = hub;
        this.owner = owner;
        this.thread = Thread.ofPlatform().daemon().name("gevent4j-hub-" + owner.getName()).unstarted(this);
    }

    /**
     * Owner thread only: turns the loop while {@code waiting} says so (it is asked before
     * each turn and may throw, a {@code LoopExit} say), running it here until a greenlet
     * must run, then on the carrier; rethrows what the loop threw. Interrupts that arrive
     * meanwhile are kept and restored afterwards; if {@code interruptible}, the first one
     * also ends the turning (the caller sees the status and decides).
     */
    void runLoopWhile(BooleanSupplier waiting, boolean interruptible) {
        if (thread.getState() == Thread.State.NEW) {
            hub.markRunning();
            thread.start();
        }
        boolean interrupted = false;
        boolean wasRunningLoop = ownerRunsLoop;
        ownerRunsLoop = true;
        try {
            boolean greenletNext = false;
            while (!greenletNext && waiting.getAsBoolean()) {
                greenletNext = hub.loop.runOnceUntilGreenlet();
                // an interrupt ends the loop's sleep at once: keep it for later rather than spin
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        return;
                    }
                }
            }
            if (greenletNext && waiting.getAsBoolean()) {
                interrupted |= handOver(waiting, interruptible);
            }
        } finally {
            ownerRunsLoop = wasRunningLoop;
            if (interrupted) {
                owner.interrupt();
            }
        }
    }

    /**
     * Lets the carrier run the loop while {@code waiting} (and, if {@code interruptible}, until
     * the owner is interrupted); returns whether the owner was interrupted meanwhile.
     */
    private boolean handOver(BooleanSupplier waiting, boolean interruptible) {
        work = waiting;
        failure = null;
        handOffNanos = System.nanoTime();
        turn = CARRIER;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        boolean parked = false;
        ownerSpin.spinUntil(ownerTurnOrInterrupt);
        while (turn == CARRIER) {
            parked = true;
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
                if (interruptible && !handBack) {
                    handBack = true;
                    // the carrier's loop sleeps in its poller, or parked if no channel is
                    // registered: both wake-ups stick until that sleep, if it is yet to come
                    hub.loop.poller.wakeup();
                    LockSupport.unpark(thread);
                }
            }
        }
        if (parked) {
            ownerSpin.wokenUp(System.nanoTime() - handOffNanos);
        }
        work = null;
        handBack = false;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (interrupted) {
                owner.interrupt();
            }
            throw Hub.sneaky(f);
        }
        return interrupted;
    }

    /**
     * The platform thread that runs the loop now, {@code null} while the owner (the main
     * greenlet) runs its own code. Any thread; a snapshot.
     */
    Thread loopThread() {
        if (turn == CARRIER) {
            return thread;
        }
        return ownerRunsLoop ? owner : null;
    }

    /** Wakes an idle carrier so that it sees the hub closed and exits. Any thread. */
    void wake() {
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        hub.adoptCarrier();
        while (awaitTurn()) {
            Throwable f = null;
            try {
                BooleanSupplier waiting = work;
                while (!handBack && waiting.getAsBoolean()) {
                    hub.loop.runOnce();
                }
            } catch (Throwable t) {
                f = t;
            }
            failure = f;
            handOffNanos = System.nanoTime();
            turn = OWNER;
            LockSupport.unpark(owner);
        }
    }

    /**
     * Carrier thread: waits until the owner hands it the turn, spinning first while recent
     * turns came back soon; returns false when the carrier must exit instead.
     */
    private boolean awaitTurn() {
        boolean parked = false;
        carrierSpin.spinUntil(carrierTurn);
        while (turn != CARRIER) {
            if (hub.state() == Hub.State.CLOSED) {
                return false;
            }
            if (!owner.isAlive()) {
                hub.close();
                return false;
            }
            parked = true;
            LockSupport.parkNanos(this, IDLE_CHECK_NANOS);
        }
        if (parked) {
            carrierSpin.wokenUp(System.nanoTime() - handOffNanos);
        }
        return true;
    }
}
