package io.gevent4j.queue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Readiness;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;

/**
 * A rendezvous between greenlets of one hub (gevent's {@code Channel}, the JDK's
 * {@code SynchronousQueue}): {@link #put} blocks until a getter has taken the item, and
 * {@link #get} until a putter offers one. It holds no items: {@link #size()} is always 0.
 *
 * <p>{@code putNowait}/{@code offer} succeed only if a getter is already waiting (the item
 * is then reserved for the waiting getters); {@code getNowait}/{@code poll} only if a
 * putter is waiting. Timeouts, {@link Full}, {@link Empty}, kill and Timeout behave as in
 * {@link SimpleQueue}; a putter killed or timed out before a getter took its item takes it
 * back, so an item is delivered at most once and never lost silently.
 *
 * <p>It is a {@link BlockingQueue} with the {@code SynchronousQueue} contract: no capacity,
 * {@link #peek()} is always {@code null}, {@link #iterator()} is empty; gevent's iteration,
 * which takes items as they are sent, is {@link #consume(Object)}.
 *
 * <p><b>Threads.</b> Hub-thread only: every method throws {@link IllegalStateException}
 * off the hub it was created on.
 *
 * <p><b>Implementation overview.</b> Putters wait in a FIFO of offers (item + waiter, or
 * no waiter for an accepted {@code putNowait}), each on its own {@link Waiter}; getters
 * wait on a {@link Readiness} "an offer not reserved for a woken getter is there". A
 * getter that may go on removes the first offer, takes its item and wakes its putter.
 */
public class Channel<T> extends BlockingQueueAdapter<T> {

    private record Offer<T>(T item, Waiter<Boolean> putter) {
    }

    private final Hub hub;
    private final ArrayDeque<Offer<T>> offers = new ArrayDeque<>();
    private final Readiness offered;

    /** A channel of the current thread's hub. */
    public Channel() {
        this.hub = Hub.current();
        this.offered = new Readiness(hub, false, this::offerThere);
    }

    /**
     * gevent's {@code put(item, block, timeout)}: without {@code block}, succeeds only if a
     * getter waits now.
     *
     * @throws Full if no getter took the item in time
     */
    @Override
    public void put(T item, boolean block, Duration timeout) {
        Objects.requireNonNull(item, "item");
        hub.checkCurrent(this);
        checkTimeout(block, timeout);
        if (!block || (timeout != null && timeout.isZero())) {
            if (offered.waiters() + offered.reserved() <= offers.size()) {
                throw new Full();
            }
            offers.addLast(new Offer<>(item, null));
            offered.signal();
            return;
        }
        Waiter<Boolean> waiter = new Waiter<>(hub);
        Offer<T> offer = new Offer<>(item, waiter);
        offers.addLast(offer);
        try {
            offered.signal();
            if (!waiter.getWithin(timeout, Boolean.FALSE)) {
                throw new Full();
            }
        } finally {
            offers.remove(offer);
        }
    }

    /**
     * gevent's {@code get(block, timeout)}: without {@code block}, succeeds only if a putter
     * waits now.
     *
     * @throws Empty if no putter came in time
     */
    @Override
    public T get(boolean block, Duration timeout) {
        hub.checkCurrent(this);
        checkTimeout(block, timeout);
        if (!offered.canProceed() && (!block || (timeout != null && timeout.isZero()) || !offered.await(timeout))) {
            throw new Empty();
        }
        return takeOffer();
    }

    @Override
    public T poll() {
        hub.checkCurrent(this);
        return offered.canProceed() ? takeOffer() : null;
    }

    private T takeOffer() {
        Offer<T> offer = offers.pollFirst();
        if (offer.putter != null) {
            offer.putter.switchTo(Boolean.TRUE);
        }
        return offer.item;
    }

    private boolean offerThere() {
        return offers.size() > offered.reserved();
    }

    /** Always {@code null}: a channel holds nothing. */
    @Override
    public T peek() {
        hub.checkCurrent(this);
        return null;
    }

    /** Always 0. */
    @Override
    public int size() {
        hub.checkCurrent(this);
        return 0;
    }

    /** Always true, as gevent's: a put cannot complete without a getter. */
    public boolean isFull() {
        hub.checkCurrent(this);
        return true;
    }

    /** How many greenlets wait in get. */
    public int getters() {
        hub.checkCurrent(this);
        return offered.waiters();
    }

    /** How many items are offered by putters and not yet taken. */
    public int putters() {
        hub.checkCurrent(this);
        return offers.size();
    }

    /**
     * Does nothing, as {@code SynchronousQueue.clear()}: the items offered by waiting putters
     * are not the channel's to drop ({@link #drainTo} takes them).
     */
    @Override
    public void clear() {
        hub.checkCurrent(this);
    }

    /** Always 0. */
    @Override
    public int remainingCapacity() {
        return 0;
    }

    @Override
    public int drainTo(Collection<? super T> c, int maxElements) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a channel into itself");
        }
        int n = 0;
        T item;
        while (n < maxElements && (item = poll()) != null) {
            c.add(item);
            n++;
        }
        return n;
    }

    /**
     * gevent's iteration over a channel: each {@code next()} is a blocking {@link #get()},
     * and the iteration ends when a putter sends {@code end} (gevent's
     * {@code put(StopIteration)}), which is not yielded. {@link #iterator()} keeps the
     * {@code SynchronousQueue} contract instead (always empty).
     */
    public Iterable<T> consume(T end) {
        Objects.requireNonNull(end, "end");
        return consuming(() -> {
            T item = get();
            return end.equals(item) ? null : item;
        });
    }

    /** Empty: a channel holds nothing (see {@link #consume(Object)} for gevent's iteration). */
    @Override
    public Iterator<T> iterator() {
        return Collections.emptyIterator();
    }

    private static void checkTimeout(boolean block, Duration timeout) {
        if (block && timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("'timeout' must be a non-negative duration: " + timeout);
        }
    }

    @Override
    public String toString() {
        return "Channel[getters=" + offered.waiters() + ", putters=" + offers.size() + "]";
    }
}
