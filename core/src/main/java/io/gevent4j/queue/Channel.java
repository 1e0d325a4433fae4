package io.gevent4j.queue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.TimerWatcher;
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
 * {@link #peek()} is always {@code null}, iteration is empty.
 *
 * <p><b>Threads.</b> Hub-thread only: every method throws {@link IllegalStateException}
 * off the hub it was created on.
 *
 * <p><b>Implementation overview.</b> Putters wait in a FIFO of offers (item + waiter, or
 * no waiter for an accepted {@code putNowait}); getters wait in a {@link WaitList}. A
 * getter that finds an offer not promised to a woken getter removes it, takes its item and
 * wakes its putter. Every change wakes one getter per offer not yet promised.
 */
public class Channel<T> extends BlockingQueueAdapter<T> {

    private record Offer<T>(T item, Waiter<Boolean> putter) {
    }

    private final Hub hub;
    private final ArrayDeque<Offer<T>> offers = new ArrayDeque<>();
    private final WaitList getters = new WaitList();

    /** A channel of the current thread's hub. */
    public Channel() {
        this.hub = Hub.current();
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
            if (getters.waitingCount() + getters.woken <= offers.size()) {
                throw new Full();
            }
            offers.addLast(new Offer<>(item, null));
            balance();
            return;
        }
        Waiter<Boolean> waiter = new Waiter<>(hub);
        Offer<T> offer = new Offer<>(item, waiter);
        offers.addLast(offer);
        TimerWatcher timer = null;
        try {
            balance();
            if (timeout != null) {
                timer = hub.loop().timer(timeout);
                timer.start(() -> {
                    if (!waiter.ready()) {
                        waiter.switchTo(Boolean.FALSE);
                    }
                });
            }
            if (!waiter.get()) {
                throw new Full();
            }
        } finally {
            if (timer != null) {
                timer.close();
            }
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
        if (offers.size() > getters.woken) {
            return takeOffer();
        }
        if (!block || (timeout != null && timeout.isZero())) {
            throw new Empty();
        }
        Waiter<Boolean> waiter = new Waiter<>(hub);
        TimerWatcher timer = null;
        if (timeout != null) {
            timer = hub.loop().timer(timeout);
            timer.start(() -> {
                if (!waiter.ready()) {
                    waiter.switchTo(Boolean.FALSE);
                }
            });
        }
        try {
            while (true) {
                getters.await(waiter);
                if (offers.size() > getters.woken) {
                    return takeOffer();
                }
                if (timer != null && !timer.isActive()) {
                    throw new Empty();
                }
            }
        } finally {
            if (timer != null) {
                timer.close();
            }
            balance();
        }
    }

    @Override
    public T poll() {
        hub.checkCurrent(this);
        return offers.size() > getters.woken ? takeOffer() : null;
    }

    private T takeOffer() {
        Offer<T> offer = offers.pollFirst();
        if (offer.putter != null) {
            offer.putter.switchTo(Boolean.TRUE);
        }
        return offer.item;
    }

    private void balance() {
        while (getters.hasWaiting() && offers.size() > getters.woken) {
            getters.wakeOne();
        }
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
        return getters.waitingCount();
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

    /** Empty: a channel holds nothing. */
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
        return "Channel[getters=" + getters.waitingCount() + ", putters=" + offers.size() + "]";
    }
}
