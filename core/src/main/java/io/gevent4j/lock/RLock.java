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
 * without taking the lock.
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
        RawGreenlet me = RawGreenlet.current();
        if (owner == me) {
            count++;
            return true;
        }
        if (!block.acquire(blocking, timeout)) {
            return false;
        }
        owner = me;
        count = 1;
        return true;
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
     * As {@link #lock()}, after raising a kill or Timeout pending for the greenlet (one that
     * interrupted it already) and then checking the interrupt status the user set: a
     * greenlet's wait is ended by kill and Timeout, which the interrupt they caused must not
     * turn into an {@link InterruptedException}.
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        RawGreenlet.current().throwPending();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquire();
    }

    @Override
    public boolean tryLock() {
        return acquire(false, null);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) {
        return acquire(true, Duration.ofNanos(Math.max(0, unit.toNanos(time))));
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
