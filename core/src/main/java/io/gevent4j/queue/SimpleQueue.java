package io.gevent4j.queue;

import io.gevent4j.Waitable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Readiness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;

/**
 * A FIFO queue between greenlets of one hub (gevent's {@code SimpleQueue}), bounded by
 * {@code maxsize} or unbounded when it is zero or negative.
 *
 * <p><b>gevent's API.</b> {@link #put(Object)} blocks while the queue is full,
 * {@link #get()} while it is empty; both have variants with {@code block} and a
 * {@code timeout} ({@code null}: no limit) that throw {@link Full} / {@link Empty} when they
 * cannot proceed in time, and {@code putNowait}/{@code getNowait}. A negative timeout is an
 * {@link IllegalArgumentException}. Blocked putters and getters are woken in the order
 * they blocked, one per item (or free slot), so the calls that waited finish in the order
 * they began. Until a woken getter runs, an item is reserved for it: a get that comes
 * meanwhile goes on at once only if an item beyond the reserved ones is there, and takes
 * the head, so it may return an item put before the one the woken getter will take (as
 * in gevent; putters and slots likewise). A kill or {@link io.gevent4j.Timeout} raised in a blocked greenlet is thrown
 * from the call and leaves the queue consistent: no item is lost or duplicated.
 * {@link #peek(Duration)} is gevent's blocking {@code peek}; {@link #consume()} is gevent's
 * iteration (it takes items).
 *
 * <p><b>The JDK's API.</b> It is a {@link BlockingQueue}: code written for one works on it,
 * cooperatively. Where the names clash the JDK's contract wins: {@link #peek()} and
 * {@link #poll()} never block and return {@code null} when empty, {@link #iterator()} reads
 * the items without taking them (weakly consistent, in the order gets would take them for
 * FIFO and LIFO queues), {@code null} items are refused. The {@code InterruptedException}
 * of {@code put}/{@code take} is never thrown: a greenlet's waits are ended by kill and
 * Timeout. The items reserved for woken getters that have not run yet still count in
 * {@link #size()} and show in {@link #peek()} and the iterator, but {@link #poll()},
 * {@code remove()} and {@code drainTo} take only the items beyond them.
 *
 * <p><b>Threads.</b> A queue belongs to the hub it was created on; every method must be
 * called on that hub's thread and throws {@link IllegalStateException} elsewhere.
 *
 * <p><b>Implementation overview.</b> Items live in a {@link Store} (FIFO, LIFO or heap).
 * Getters and putters wait on two {@link Readiness}es of the waiting layer, "an item is
 * there" and "a slot is free", which also serve as {@link #readable()} and
 * {@link #writable()}. Every change of state ends with {@link #balance()}, which signals
 * both; the layer wakes one getter per item not yet reserved for a woken getter, and one
 * putter per free slot likewise. Nothing is handed over at wake-up: a woken greenlet takes
 * the head item (or a slot) itself when it runs, so one killed before it runs loses
 * nothing; until then its reservation counts against the items (slots), which is a number,
 * not a particular item. A greenlet that comes while others are blocked queues behind
 * them; one that comes while the only waiters are woken ones goes on if the items exceed
 * the reservations.
 */
public class SimpleQueue<T> extends BlockingQueueAdapter<T> {

    final Hub hub;
    private final Store<T> items;
    private final ItemThere itemThere;
    private final SlotFree slotFree;
    private final Waitable readable;
    private final Waitable writable;
    private int maxsize;
    boolean shutdown;

    /** An unbounded queue of the current thread's hub. */
    public SimpleQueue() {
        this(0);
    }

    /** A queue of the current thread's hub holding at most {@code maxsize} items (≤ 0: unbounded). */
    public SimpleQueue(int maxsize) {
        this(maxsize, Store.fifo());
    }

    SimpleQueue(int maxsize, Store<T> items) {
        this.hub = Hub.current();
        this.maxsize = Math.max(maxsize, 0);
        this.items = items;
        this.itemThere = new ItemThere(hub);
        this.slotFree = new SlotFree(hub);
        this.readable = Waitable.of(itemThere);
        this.writable = Waitable.of(slotFree);
    }

    /**
     * The queue's readiness to get, as a {@link Waitable} for {@code Gevent.wait}/{@code iwait}:
     * ready while a get would not block (an item nobody was promised is there, or the queue
     * is shut down). Its links fire only while that holds.
     */
    public Waitable readable() {
        return readable;
    }

    /** The queue's readiness to put, as a {@link Waitable}: ready while a put would not block (or it is shut down). */
    public Waitable writable() {
        return writable;
    }

    /** The bound, 0 when unbounded. */
    public int maxsize() {
        hub.checkCurrent(this);
        return maxsize;
    }

    /** Changes the bound (≤ 0: unbounded); putters blocked on a full queue may proceed. */
    public void setMaxsize(int maxsize) {
        hub.checkCurrent(this);
        this.maxsize = Math.max(maxsize, 0);
        balance();
    }

    /** How many items are in the queue. */
    @Override
    public int size() {
        hub.checkCurrent(this);
        return items.size();
    }

    /** Whether a put would block: a bounded queue holds {@code maxsize} items. */
    public boolean isFull() {
        hub.checkCurrent(this);
        return maxsize > 0 && items.size() >= maxsize;
    }

    /** How many greenlets are blocked in get or peek. */
    public int getters() {
        hub.checkCurrent(this);
        return itemThere.waiters();
    }

    /** How many greenlets are blocked in put. */
    public int putters() {
        hub.checkCurrent(this);
        return slotFree.waiters();
    }

    // ---------------------------------------------------------------- put

    /**
     * gevent's {@code put(item, block, timeout)}: without {@code block}, puts only if a slot
     * is free now ({@code timeout} ignored).
     *
     * @throws Full            if no slot was (or became) free
     * @throws ShutDown        if the queue is shut down
     * @throws IllegalArgumentException if {@code block} and {@code timeout} is negative
     */
    @Override
    public void put(T item, boolean block, Duration timeout) {
        Objects.requireNonNull(item, "item");
        hub.checkCurrent(this);
        boolean mayBlock = mayBlock(block, timeout);
        if (shutdown) {
            throw new ShutDown();
        }
        if (!slotFree.canProceed()) {
            if (!mayBlock || !slotFree.await(timeout)) {
                throw new Full();
            }
            if (shutdown) {
                throw new ShutDown();
            }
        }
        add0(item);
    }

    private void add0(T item) {
        items.add(item);
        didPut();
        balance();
    }

    /** Called after each item is added; the joinable {@link Queue} counts tasks here. */
    void didPut() {
    }

    // ---------------------------------------------------------------- get and peek

    /**
     * gevent's {@code get(block, timeout)}: without {@code block}, takes an item only if
     * one is there now.
     *
     * @throws Empty    if no item was (or came) there
     * @throws ShutDown if the queue is shut down and empty (or shut down immediately)
     */
    @Override
    public T get(boolean block, Duration timeout) {
        return take(true, block, timeout);
    }

    /** gevent's blocking {@code peek}: the next item, left in the queue, waiting at most {@code timeout}. */
    public T peek(Duration timeout) {
        return take(false, true, timeout);
    }

    /** gevent's {@code peek(block, timeout)}. */
    public T peek(boolean block, Duration timeout) {
        return take(false, block, timeout);
    }

    /** The next item, left in the queue, if there is one now. @throws Empty otherwise */
    public T peekNowait() {
        return take(false, false, null);
    }

    /** {@link java.util.Queue#poll()}: an item if one is there now, else {@code null}. Never blocks. */
    @Override
    public T poll() {
        hub.checkCurrent(this);
        return itemThere.canProceed() && items.size() > 0 ? remove0() : null;
    }

    /** {@link java.util.Queue#peek()}: the next item or {@code null}. Never blocks (the JDK's contract). */
    @Override
    public T peek() {
        hub.checkCurrent(this);
        return items.peek();
    }

    private T take(boolean remove, boolean block, Duration timeout) {
        hub.checkCurrent(this);
        boolean mayBlock = mayBlock(block, timeout);
        if (!itemThere.canProceed() && (!mayBlock || !itemThere.await(timeout))) {
            throw new Empty();
        }
        if (shutdown && items.size() == 0) {
            throw new ShutDown();
        }
        return remove ? remove0() : items.peek();
    }

    private T remove0() {
        T item = items.remove();
        balance();
        return item;
    }

    // ---------------------------------------------------------------- the rest of BlockingQueue

    /** Free slots, {@link Integer#MAX_VALUE} when unbounded. */
    @Override
    public int remainingCapacity() {
        hub.checkCurrent(this);
        return maxsize == 0 ? Integer.MAX_VALUE : Math.max(0, maxsize - items.size());
    }

    @Override
    public boolean remove(Object o) {
        hub.checkCurrent(this);
        boolean removed = items.removeItem(o);
        if (removed) {
            balance();
        }
        return removed;
    }

    /** Removes every item, also those promised to woken getters (they wait again); frees every slot. */
    @Override
    public void clear() {
        hub.checkCurrent(this);
        clearItems();
        balance();
    }

    @Override
    public boolean contains(Object o) {
        hub.checkCurrent(this);
        return items.contains(o);
    }

    @Override
    public int drainTo(Collection<? super T> c, int maxElements) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        hub.checkCurrent(this);
        int n = 0;
        while (n < maxElements && itemThere.canProceed() && items.size() > 0) {
            c.add(remove0());
            n++;
        }
        return n;
    }

    /**
     * The items, without taking them: a snapshot taken now; {@code remove()} removes the
     * last returned item from the queue.
     */
    @Override
    public Iterator<T> iterator() {
        hub.checkCurrent(this);
        ArrayList<T> snapshot = new ArrayList<>(items.size());
        for (T item : items) {
            snapshot.add(item);
        }
        Iterator<T> it = snapshot.iterator();
        return new Iterator<>() {
            private T last;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                last = it.next();
                return last;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException("next() was not called");
                }
                SimpleQueue.this.remove(last);
                last = null;
            }
        };
    }

    /**
     * gevent's iteration over a queue: each {@code next()} is a blocking {@link #get()}, and
     * the iteration ends when the queue is shut down and empty.
     */
    public Iterable<T> consume() {
        return consuming(() -> {
            try {
                return get();
            } catch (ShutDown e) {
                return null;
            }
        });
    }

    // ---------------------------------------------------------------- internals

    /** What getters wait for: an item not reserved for a woken getter is there, or the queue is shut down and empty. */
    private final class ItemThere extends Readiness {

        ItemThere(Hub hub) {
            super(hub, false);
        }

        @Override
        public boolean ready() {
            int size = items.size();
            return size > reserved() || shutdown && size == 0;
        }
    }

    /** What putters wait for: a slot not reserved for a woken putter is free, or the queue is shut down. */
    private final class SlotFree extends Readiness {

        SlotFree(Hub hub) {
            super(hub, false);
        }

        @Override
        public boolean ready() {
            return maxsize == 0 || items.size() + reserved() < maxsize || shutdown;
        }
    }

    /** Tells the waiters of both sides that the queue changed. */
    final void balance() {
        itemThere.signal();
        slotFree.signal();
    }

    /** Removes every item (an immediate shutdown); returns how many. */
    final int clearItems() {
        int n = 0;
        while (items.size() > 0) {
            items.remove();
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[size=" + items.size() + (maxsize > 0 ? ", maxsize=" + maxsize : "")
                + (itemThere.waiters() > 0 ? ", getters=" + itemThere.waiters() : "")
                + (slotFree.waiters() > 0 ? ", putters=" + slotFree.waiters() : "")
                + (shutdown ? ", shut down" : "") + "]";
    }
}
