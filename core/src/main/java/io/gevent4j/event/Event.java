package io.gevent4j.event;

import io.gevent4j.Waitable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Linkable;

import java.time.Duration;

/**
 * A flag greenlets can wait for (gevent's {@code Event}): {@link #set()} wakes every
 * greenlet waiting in {@link #await()}, in the order they began to wait; {@link #clear()}
 * resets it so that later waits block again.
 *
 * <p>A waiter woken by {@code set()} returns {@code true} even if the event was cleared
 * again before it ran. A greenlet that waits on a set event while earlier waiters are
 * still to be woken waits its turn behind them (as in gevent), so wake-ups stay in order. {@code await} never throws on expiry: it returns the flag
 * ({@code false}). A kill or {@link io.gevent4j.Timeout} raised in a waiting greenlet is
 * thrown from {@code await}, and the event stays consistent.
 *
 * <p><b>Threads.</b> An event belongs to the hub it was created on; every method except
 * {@link #isSet()} must be called on that hub's thread and throws
 * {@link IllegalStateException} elsewhere. A platform thread that waits runs its hub's
 * loop meanwhile, and gets {@link io.gevent4j.hub.LoopExit} if nothing could ever set the event.
 */
public final class Event extends Linkable implements Waitable {

    private volatile boolean flag;

    /** An unset event of the current thread's hub. */
    public Event() {
        super(Hub.current(), true);
    }

    /** Sets the flag and wakes every waiter (from a loop callback, in the order they waited). */
    public void set() {
        hub().checkCurrent(this);
        flag = true;
        changed();
    }

    /** Resets the flag; waiters already woken still return {@code true}. */
    public void clear() {
        hub().checkCurrent(this);
        flag = false;
    }

    /** Whether the flag is set. May be read from any thread. */
    public boolean isSet() {
        return flag;
    }

    /** Same as {@link #isSet()}: waiting would return at once. */
    @Override
    public boolean ready() {
        return flag;
    }

    /** Blocks until the event is set; returns {@code true}. */
    public boolean await() {
        return await(null);
    }

    /**
     * Blocks until the event is set or {@code timeout} passed ({@code null}: no limit; zero
     * or negative: do not block).
     *
     * @return {@code true} if the event was set (even if cleared since), {@code false} on expiry
     */
    public boolean await(Duration timeout) {
        hub().checkCurrent(this);
        if (flag) {
            if (!notifying()) {
                return true;
            }
            timeout = null;
        } else if (timeout != null && !timeout.isPositive()) {
            return false;
        }
        return awaitNotify(timeout);
    }

    @Override
    public String toString() {
        return "Event[" + (flag ? "set" : "clear") + ", waiters=" + linkCount() + "]";
    }
}
