package io.gevent4j.queue;

import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * gevent's queue vocabulary and the JDK's {@link BlockingQueue} over the two primitives
 * every queue of this package implements: gevent's {@code put(item, block, timeout)} and
 * {@code get(block, timeout)}. The JDK's methods keep the JDK's contract ({@code offer} and
 * {@code poll} return {@code false}/{@code null} where gevent's throw {@link Full}/{@link Empty}).
 * Hub-thread only, as the queues.
 */
abstract class BlockingQueueAdapter<T> extends AbstractQueue<T> implements BlockingQueue<T> {

    /**
     * gevent's {@code put(item, block, timeout)} ({@code timeout} {@code null}: no limit).
     *
     * @throws Full if the item could not be put (at once without {@code block}, or in time)
     */
    public abstract void put(T item, boolean block, Duration timeout);

    /**
     * gevent's {@code get(block, timeout)} ({@code timeout} {@code null}: no limit).
     *
     * @throws Empty if no item could be taken (at once without {@code block}, or in time)
     */
    public abstract T get(boolean block, Duration timeout);

    /** Puts {@code item}, blocking as long as it takes. */
    @Override
    public void put(T item) {
        put(item, true, null);
    }

    /** Puts {@code item}, blocking at most {@code timeout}. @throws Full on expiry */
    public void put(T item, Duration timeout) {
        put(item, true, timeout);
    }

    /** Puts {@code item} only if that needs no waiting. @throws Full otherwise */
    public void putNowait(T item) {
        put(item, false, null);
    }

    /** {@link BlockingQueue#offer(Object)}: puts only if that needs no waiting; {@code false} otherwise. */
    @Override
    public boolean offer(T item) {
        try {
            put(item, false, null);
            return true;
        } catch (Full e) {
            return false;
        }
    }

    /** {@link BlockingQueue#offer(Object, long, TimeUnit)}: blocks at most the timeout; {@code false} on expiry. */
    @Override
    public boolean offer(T item, long timeout, TimeUnit unit) {
        try {
            put(item, true, Duration.ofNanos(Math.max(0, unit.toNanos(timeout))));
            return true;
        } catch (Full e) {
            return false;
        }
    }

    /** Takes the next item, blocking as long as it takes. */
    public T get() {
        return get(true, null);
    }

    /** Takes the next item, blocking at most {@code timeout}. @throws Empty on expiry */
    public T get(Duration timeout) {
        return get(true, timeout);
    }

    /** Takes the next item only if that needs no waiting. @throws Empty otherwise */
    public T getNowait() {
        return get(false, null);
    }

    /** {@link BlockingQueue#take()}: same as {@link #get()}. */
    @Override
    public T take() {
        return get();
    }

    /** {@link BlockingQueue#poll(long, TimeUnit)}: waits at most the timeout; {@code null} on expiry. */
    @Override
    public T poll(long timeout, TimeUnit unit) {
        try {
            return get(true, Duration.ofNanos(Math.max(0, unit.toNanos(timeout))));
        } catch (Empty e) {
            return null;
        }
    }

    @Override
    public int drainTo(Collection<? super T> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    /**
     * Whether a put or get called with {@code block} and {@code timeout} may block:
     * {@code block} and a timeout that is not zero ({@code null}: no limit).
     *
     * @throws IllegalArgumentException if {@code block} and {@code timeout} is negative
     */
    static boolean mayBlock(boolean block, Duration timeout) {
        if (!block) {
            return false;
        }
        return Waiter.checkTimeout(timeout) == null || !timeout.isZero();
    }

    /**
     * gevent's iteration over a queue: an {@code Iterable} whose iterators take each item
     * with {@code next}, which blocks and returns {@code null} when the iteration ends.
     */
    static <T> Iterable<T> consuming(Supplier<T> next) {
        return () -> new Iterator<>() {
            private T item;

            @Override
            public boolean hasNext() {
                if (item == null) {
                    item = next.get();
                }
                return item != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                T taken = item;
                item = null;
                return taken;
            }
        };
    }
}
