package io.gevent4j.hub;

import java.time.Duration;
import java.util.Objects;

/**
 * The one primitive everything in gevent4j blocks on (gevent's {@code Waiter}): one
 * greenlet calls {@link #get()} and blocks until a callback calls {@link #switchTo} with a
 * value or {@link #throwInto} with an exception. A value that arrives before {@code get()}
 * is kept and returned at once.
 *
 * <p>A waiting greenlet can also be woken by an exception raised in it (kill, Timeout):
 * {@code get()} then throws that exception, unless the waiter already has its value, which
 * wins (the exception stays pending for the next wait), so a result is never lost.
 * A waiter is also a {@link Runnable} that switches with {@code null}, to serve directly as
 * a watcher's callback. Hub-thread only; one greenlet may wait at a time.
 */
public final class Waiter<T> implements Runnable {

    private final Hub hub;
    private RawGreenlet waiting;
    private boolean ready;
    private T value;
    private Throwable exception;

    /** A waiter on the current thread's hub. */
    public Waiter() {
        this(Hub.current());
    }

    /** A waiter on {@code hub}. */
    public Waiter(Hub hub) {
        this.hub = Objects.requireNonNull(hub, "hub");
    }

    /**
     * Blocks the current greenlet until the waiter is switched, then returns the value or
     * throws the exception.
     *
     * @throws IllegalStateException if another greenlet already waits, or off the hub's thread
     */
    public T get() {
        awaitReady(null, null, false);
        return outcome();
    }

    /**
     * Like {@link #get()}, but after {@code timeout} ({@code null}: no limit) the waiter is
     * switched with {@code expired} unless something else switched it first. The timer is
     * stopped when the wait ends, also by an exception.
     */
    public T getWithin(Duration timeout, T expired) {
        awaitReady(timeout, expired, false);
        return outcome();
    }

    /**
     * Like {@link #getWithin}, but an interrupt of the waiting thread ends the wait too, as
     * the expiry does: it returns {@code expired}, the interrupt status left set for the
     * caller to tell the two apart. Only an interrupt set by user code
     * ({@link Thread#interrupt()}) ends it this way; a kill or Timeout is thrown as in
     * {@link #get()}. A value that arrived first wins.
     */
    public T getWithinUntilInterrupted(Duration timeout, T expired) {
        return awaitReady(timeout, expired, true) ? outcome() : expired;
    }

    /**
     * Blocks until the waiter is switched or, after {@code timeout}, switches it with
     * {@code expired}; returns {@code false} if an {@code interruptible} wait ended by the
     * user's interrupt first (its status still set).
     */
    private boolean awaitReady(Duration timeout, T expired, boolean interruptible) {
        if (ready) {
            return true;
        }
        hub.checkCurrent(this);
        if (waiting != null) {
            throw new IllegalStateException("another greenlet already waits on this Waiter: " + waiting);
        }
        RawGreenlet self = RawGreenlet.current();
        TimerWatcher timer = timeout == null ? null : hub.loop().timer(timeout);
        waiting = self;
        try {
            if (timer != null) {
                timer.start(() -> {
                    if (!ready) {
                        switchTo(expired);
                    }
                });
            }
            while (!ready) {
                self.throwPending();
                if (interruptible && Thread.currentThread().isInterrupted()) {
                    return false;
                }
                self.suspend(interruptible);
            }
            return true;
        } finally {
            waiting = null;
            if (timer != null) {
                timer.close();
            }
        }
    }

    private T outcome() {
        if (exception != null) {
            throw Hub.sneaky(exception);
        }
        return value;
    }

    /**
     * Returns {@code timeout} if a wait accepts it: {@code null} (no limit) or not negative.
     * What every gevent4j wait with a timeout checks first. Any thread.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static Duration checkTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return timeout;
    }

    /** Gives the waiter its value and resumes the waiting greenlet, if any, behind those already ready. */
    public void switchTo(T value) {
        this.value = value;
        this.exception = null;
        wake();
    }

    /** Makes {@link #get()} throw {@code error} and resumes the waiting greenlet, if any. */
    public void throwInto(Throwable error) {
        this.value = null;
        this.exception = Objects.requireNonNull(error, "error");
        wake();
    }

    /** Switches with {@code null}: lets the waiter be a watcher's callback. */
    @Override
    public void run() {
        switchTo(null);
    }

    /** Whether a value or exception has arrived. */
    public boolean ready() {
        return ready;
    }

    /** Whether a value (not an exception) has arrived. */
    public boolean successful() {
        return ready && exception == null;
    }

    /** The value that arrived, or {@code null}. */
    public T value() {
        return value;
    }

    /** The exception that arrived, or {@code null}. */
    public Throwable exception() {
        return exception;
    }

    /** Forgets the value or exception so the waiter can be used again. */
    public void clear() {
        ready = false;
        value = null;
        exception = null;
    }

    /** The greenlet waiting now, or {@code null}. */
    public RawGreenlet waiting() {
        return waiting;
    }

    private void wake() {
        hub.checkCurrent(this);
        ready = true;
        RawGreenlet g = waiting;
        if (g != null) {
            g.resume();
        }
    }

    @Override
    public String toString() {
        return "Waiter[" + (ready ? (exception != null ? "exception=" + exception : "value=" + value) : "empty")
                + (waiting != null ? ", waiting=" + waiting : "") + "]";
    }
}
