package io.gevent4j.queue;

import io.gevent4j.Waitable;
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
 * <p><b>Waiting on it.</b> It is {@link Waitable}, so {@code Gevent.wait}/{@code iwait}
 * take it beside greenlets, events and semaphores. gevent's {@code Channel} is a rendezvous
 * whose state is its {@code balance}, putters waiting minus getters waiting, and a put or
 * a get can go on at once exactly when the other side waits; so a channel is
 * {@linkplain #ready() ready} while the balance is not zero: more getters wait than items
 * are offered (a {@code putNowait} would succeed) or more items are offered than getters
 * wait for (a {@code getNowait} would succeed). A link fires only while that holds.
 *
 * <p><b>Threads.</b> Hub-thread only: every method throws {@link IllegalStateException}
 * off the hub it was created on.
 *
 * <p><b>Implementation overview.</b> Putters wait in a FIFO of offers (item + waiter, or
 * no waiter for an accepted {@code putNowait}), each on its own {@link Waiter}; getters
 * wait on a {@link Readiness} "an offer not reserved for a woken getter is there". A
 * getter that may go on removes the first offer, takes its item and wakes its putter.
 * {@code getters} counts the greenlets inside a blocking get (waiting or woken), and a
 * second {@link Readiness}, "getters and offers differ in number", is what the channel's
 * links wait on; every change of the offers or of {@code getters} signals it.
 */
public class Channel<T> extends BlockingQueueAdapter<T> implements Waitable {

    private record Offer<T>(T item, Waiter<Boolean> putter) {
    }

    private final Hub hub;
    private final ArrayDeque<Offer<T>> offers = new ArrayDeque<>();
    private final Offered offered;
    private final Counterpart counterpart;
    private int getters;

    /** A channel of the current thread's hub. */
    public Channel() {
        this.hub = Hub.current();
        this.offered = new Offered(hub);
        this.counterpart = new Counterpart(hub);
    }

    /**
     * Whether a put or a get could go on now without blocking: more getters wait than
     * items are offered, or more items are offered than getters wait for (gevent's
     * {@code balance} is not zero).
     */
    @Override
    public boolean ready() {
        hub.checkCurrent(this);
        return counterpart.ready();
    }

    /** Runs {@code callback} once, from the hub, when the channel is {@linkplain #ready() ready} (soon, if it is now). */
    @Override
    public void rawLink(Runnable callback) {
        counterpart.rawLink(callback);
    }

    /** Removes a callback added with {@link #rawLink}; returns whether it was there. */
    @Override
    public boolean unlinkRaw(Runnable callback) {
        return counterpart.unlinkRaw(callback);
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
        if (!mayBlock(block, timeout)) {
            if (getters <= offers.size()) {
                throw new Full();
            }
            offers.addLast(new Offer<>(item, null));
            changed();
            return;
        }
        Waiter<Boolean> waiter = new Waiter<>(hub);
        Offer<T> offer = new Offer<>(item, waiter);
        offers.addLast(offer);
        try {
            changed();
            if (!waiter.getWithin(timeout, Boolean.FALSE)) {
                throw new Full();
            }
        } finally {
            if (offers.remove(offer)) {
                changed();
            }
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
        boolean mayBlock = mayBlock(block, timeout);
        if (!offered.canProceed() && (!mayBlock || !awaitOffer(timeout))) {
            throw new Empty();
        }
        return takeOffer();
    }

    /** Blocks as a getter until an offer is there for it, counted in {@code getters} meanwhile. */
    private boolean awaitOffer(Duration timeout) {
        getters++;
        try {
            counterpart.signal();
            return offered.await(timeout);
        } finally {
            getters--;
            counterpart.signal();
        }
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
        counterpart.signal();
        return offer.item;
    }

    /** What getters wait for: an offer not reserved for a woken getter is there. */
    private final class Offered extends Readiness {

        Offered(Hub hub) {
            super(hub, false);
        }

        @Override
        public boolean ready() {
            return offers.size() > reserved();
        }
    }

    /** gevent's {@code balance != 0}: more getters than offers (a put would go on), or more offers (a get would). */
    private final class Counterpart extends Readiness {

        Counterpart(Hub hub) {
            super(hub, false);
        }

        @Override
        public boolean ready() {
            return getters != offers.size();
        }
    }

    /** The offers changed: getters and the channel's links may go on. */
    private void changed() {
        offered.signal();
        counterpart.signal();
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

    @Override
    public String toString() {
        return "Channel[getters=" + offered.waiters() + ", putters=" + offers.size() + "]";
    }
}
