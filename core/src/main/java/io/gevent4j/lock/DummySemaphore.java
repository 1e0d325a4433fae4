package io.gevent4j.lock;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.Objects;

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
        Waiter.checkTimeout(timeout);
        return true;
    }

    /** Does nothing; returns 1. */
    @Override
    public int release() {
        return 1;
    }

    /** Returns {@code true} at once. */
    @Override
    public boolean await(Duration timeout) {
        return acquire(true, timeout);
    }

    /** Always ready. */
    @Override
    public boolean ready() {
        return true;
    }

    /** Runs {@code callback} soon, from the current hub: a permit is always free. */
    @Override
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        Hub.current().loop().schedule(callback);
    }

    @Override
    public String toString() {
        return "DummySemaphore[]";
    }
}
