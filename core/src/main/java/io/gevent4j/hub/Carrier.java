package io.gevent4j.hub;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The platform thread that runs a hub's loop and carries its greenlets, taking turns with
 * the hub's owner thread (its main greenlet): when the owner blocks in gevent4j it hands
 * the turn over and parks; the carrier runs the loop until the main greenlet is resumed
 * (or the wait can never end), then hands the turn back with what the loop threw.
 *
 * <p>Why a thread of its own: a virtual thread cannot unmount from a carrier whose own
 * frames hold a monitor entered more than once; its park would then pin the carrier for
 * good. Were the owner thread the carrier, any owner code that waits on gevent4j inside
 * nested {@code synchronized} blocks (a {@code BufferedReader} over a socket stream, say)
 * would hang its hub. This carrier's stack holds nothing but the loop.
 *
 * <p><b>Implementation overview.</b> {@code turn} says who may run; the owner and the
 * carrier never run hub code at the same time, and each hand-off is a volatile write read
 * by the other side before it continues, so everything one side did happens-before what
 * the other does next. The carrier is started on the first wait, is a daemon, and exits
 * when the hub closes or its owner thread has died (checked each second while idle).
 */
final class Carrier implements Runnable {

    private static final int OWNER = 0;
    private static final int CARRIER = 1;
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Hub hub;
    private final Thread owner;
    final Thread thread;
    private volatile int turn = OWNER;
    private Throwable failure;

    Carrier(Hub hub, Thread owner) {
        this.hub = hub;
        this.owner = owner;
        this.thread = Thread.ofPlatform().daemon().name("gevent4j-hub-" + owner.getName()).unstarted(this);
    }

    /**
     * Owner thread only: lets the carrier run the loop for the main greenlet and waits for
     * the turn to come back; rethrows what the loop threw (a {@code LoopExit}, say).
     * Interrupts that arrive meanwhile are kept and restored afterwards.
     */
    void runLoopForOwner() {
        if (thread.getState() == Thread.State.NEW) {
            hub.markRunning();
            thread.start();
        }
        failure = null;
        turn = CARRIER;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (turn == CARRIER) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            owner.interrupt();
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            throw Hub.sneaky(f);
        }
    }

    /** Whether the owner thread (the main greenlet) has the turn, not the loop. Any thread. */
    boolean ownerHasTurn() {
        return turn == OWNER;
    }

    /** Wakes an idle carrier so that it sees the hub closed and exits. Any thread. */
    void wake() {
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        hub.adoptCarrier();
        while (true) {
            while (turn != CARRIER) {
                if (hub.state() == Hub.State.CLOSED) {
                    return;
                }
                if (!owner.isAlive()) {
                    hub.close();
                    return;
                }
                LockSupport.parkNanos(this, IDLE_CHECK_NANOS);
            }
            Throwable f = null;
            try {
                hub.runLoopForMain();
            } catch (Throwable t) {
                f = t;
            }
            failure = f;
            turn = OWNER;
            LockSupport.unpark(owner);
        }
    }
}
