package io.gevent4j.lock;

import io.gevent4j.hub.RawGreenlet;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A reentrant lock owned by a greenlet (gevent's {@code RLock}): the owning greenlet may
 * acquire it again, and must release it as many times; other greenlets block in
 * {@link #acquire()} meanwhile, served in the order they blocked. Releasing a lock the
 * current greenlet does not own throws {@link IllegalStateException}.
 *
 * <p>It is a {@link Lock} ({@code lock}/{@code unlock}/{@code tryLock}), and
 * {@code try (var held = lock.acquired()) {...}} releases it at the end of the block.
 * Ownership is per greenlet, not per OS thread: two greenlets of one hub exclude each
 * other. {@link #newCondition()} is not supported.
 *
 * <p><b>Threads.</b> Thread-safe, as {@link Semaphore}, on which it is built: greenlets of
 * different hubs and platform threads may share it. A kill or
 * {@link io.gevent4j.Timeout} raised in a blocked acquirer is thrown from {@code acquire}
 * without taking the lock; {@link #lockInterruptibly()} and {@link #tryLock(long, TimeUnit)}
 * also end on the user's {@link Thread#interrupt()}, with {@link InterruptedException}.
 */
public class RLock implements Lock, Acquirable<RLock> {

    private final Semaphore block = new Semaphore(1);
    private volatile RawGreenlet owner;
    private int count;

    /** An unlocked lock. */
    public RLock() {
    }

    /** Acquires the lock, blocking until it is free or already owned by the current greenlet. */
    @Override
    public boolean acquire() {
        return acquire(true, null);
    }

    /** Acquires the lock, blocking at most {@code timeout}; {@code false} on expiry. */
    public boolean acquire(Duration timeout) {
        return acquire(true, timeout);
    }

    /** gevent's {@code acquire(blocking, timeout)}: returns whether the lock is now held. */
    public boolean acquire(boolean blocking, Duration timeout) {
        return reenter() || taken(block.acquire(blocking, timeout));
    }

    /** Takes one more level if the current greenlet owns the lock already. */
    private boolean reenter() {
        if (owner == RawGreenlet.current()) {
            count++;
            return true;
        }
        return false;
    }

    /** Records the current greenlet as the owner if the permit was {@code acquired}. */
    private boolean taken(boolean acquired) {
        if (acquired) {
            owner = RawGreenlet.current();
            count = 1;
        }
        return acquired;
    }

    /**
     * Releases one level of ownership; the lock is free when every acquire was matched.
     *
     * @throws IllegalStateException if the current greenlet does not own the lock
     */
    public void release() {
        if (owner != RawGreenlet.current()) {
            throw new IllegalStateException("cannot release un-acquired lock (owner: " + owner + ")");
        }
        if (--count == 0) {
            owner = null;
            block.release();
        }
    }

    /** Whether some greenlet holds the lock. */
    public boolean locked() {
        return owner != null;
    }

    /** Whether the current greenlet holds the lock. */
    public boolean isOwned() {
        return owner == RawGreenlet.current();
    }

    /** How many times the current greenlet holds it (0 if it does not own it). */
    public int holdCount() {
        return isOwned() ? count : 0;
    }

    /** Same as {@link #release()}: ends a try-with-resources block opened by {@link #acquired()}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public void lock() {
        acquire();
    }

    /**
     * As {@link #lock()}, but a {@link Thread#interrupt()} of the waiting greenlet by user
     * code ends the wait. A kill or Timeout pending for the greenlet, or raised while it
     * waits, is thrown as from {@link #acquire()}: the interrupt it causes is not turned
     * into an {@link InterruptedException}. A hub's main greenlet (a platform thread)
     * waits the same way.
     *
     * @throws InterruptedException if the interrupt status was set on entry or the greenlet
     *         was interrupted while waiting; the status is then cleared
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquireInterruptibly(null);
    }

    @Override
    public boolean tryLock() {
        return acquire(false, null);
    }

    /**
     * Acquires the lock if it becomes free within the given time; ends on the user's
     * interrupt as {@link #lockInterruptibly()} does.
     *
     * @return whether the lock is now held ({@code false}: the time elapsed)
     * @throws InterruptedException if the interrupt status was set on entry or the greenlet
     *         was interrupted while waiting; the status is then cleared
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquireInterruptibly(Duration.ofNanos(Math.max(0, unit.toNanos(time))));
    }

    private boolean acquireInterruptibly(Duration timeout) throws InterruptedException {
        RawGreenlet.current().throwPendingOrInterrupt();
        return reenter() || taken(block.acquireInterruptibly(timeout));
    }

    @Override
    public void unlock() {
        release();
    }

    /** Not supported: greenlets coordinate with {@code Event} and queues. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("RLock has no conditions; use io.gevent4j.event.Event");
    }

    @Override
    public String toString() {
        RawGreenlet o = owner;
        return "RLock[" + (o == null ? "unlocked" : "owner=" + o + ", count=" + count) + "]";
    }
}
