package io.gevent4j.lock;

import java.time.Duration;

/**
 * A semaphore that never blocks (gevent's {@code DummySemaphore}): every acquire succeeds
 * at once, release does nothing, it is never locked. It stands in where a semaphore is
 * expected but no limit is wanted (an unbounded pool). Thread-safe.
 */
public class DummySemaphore extends Semaphore {

    /** A semaphore without limit. */
    public DummySemaphore() {
        super(0);
    }

    /** Always 1: an acquire always succeeds. */
    @Override
    public int counter() {
        return 1;
    }

    /** Always false. */
    @Override
    public boolean locked() {
        return false;
    }

    /** Always 0. */
    @Override
    public int waiters() {
        return 0;
    }

    /** Returns {@code true} at once. */
    @Override
    public boolean acquire(boolean blocking, Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return true;
    }

    /** Does nothing. */
    @Override
    public void release() {
    }

    @Override
    public String toString() {
        return "DummySemaphore[]";
    }
}
