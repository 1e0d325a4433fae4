package io.gevent4j.queue;

import io.gevent4j.Waitable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
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
 * {@link IllegalArgumentException}. Blocked putters and getters are served in the order
 * they blocked. A kill or {@link io.gevent4j.Timeout} raised in a blocked greenlet is thrown
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
 * Timeout. An item promised to a woken getter that has not run yet still counts in
 * {@link #size()} and shows in {@link #peek()} and the iterator, but {@link #poll()},
 * {@code remove()} and {@code drainTo} leave it to that getter.
 *
 * <p><b>Threads.</b> A queue belongs to the hub it was created on; every method must be
 * called on that hub's thread and throws {@link IllegalStateException} elsewhere.
 *
 * <p><b>Implementation overview.</b> Items live in a {@link Store} (FIFO, LIFO or heap).
 * Blocked getters and putters wait in two {@link WaitList}s. Every change of state ends
 * with {@link #balance()}, which wakes one getter per item not yet promised to a woken
 * getter and one putter per free slot not yet promised to a woken putter. A woken greenlet
 * takes the item (or slot) itself when it runs; until then it is reserved, so a greenlet
 * that did not wait cannot overtake it.
 */
public class SimpleQueue<T> extends BlockingQueueAdapter<T> {

    final Hub hub;
    private final Store<T> items;
    private final WaitList getters = new WaitList();
    private final WaitList putters = new WaitList();
    private final Readiness readable;
    private final Readiness writable;
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
        this.readable = new Readiness(hub, this, () -> available() > 0 || shutdown);
        this.writable = new Readiness(hub, this, () -> freeSlots() > 0 || shutdown);
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
        return getters.waitingCount();
    }

    /** How many greenlets are blocked in put. */
    public int putters() {
        hub.checkCurrent(this);
        return putters.waitingCount();
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
        checkTimeout(block, timeout);
        if (shutdown) {
            throw new ShutDown();
        }
        if (freeSlots() > 0) {
            add0(item);
            return;
        }
        if (!block || isZero(timeout)) {
            throw new Full();
        }
        Waiter<Boolean> waiter = new Waiter<>(hub);
        TimerWatcher timer = startTimer(timeout, waiter);
        try {
            while (true) {
                putters.await(waiter);
                if (shutdown) {
                    throw new ShutDown();
                }
                if (freeSlots() > 0) {
                    add0(item);
                    return;
                }
                if (timer != null && !timer.isActive()) {
                    throw new Full();
                }
            }
        } finally {
            if (timer != null) {
                timer.close();
            }
            balance();
        }
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
        return available() > 0 ? remove0() : null;
    }

    /** {@link java.util.Queue#peek()}: the next item or {@code null}. Never blocks (the JDK's contract). */
    @Override
    public T peek() {
        hub.checkCurrent(this);
        return items.peek();
    }

    private T take(boolean remove, boolean block, Duration timeout) {
        hub.checkCurrent(this);
        checkTimeout(block, timeout);
        if (available() > 0) {
            return remove ? remove0() : items.peek();
        }
        if (shutdown) {
            throw new ShutDown();
        }
        if (!block || isZero(timeout)) {
            throw new Empty();
        }
        Waiter<Boolean> waiter = new Waiter<>(hub);
        TimerWatcher timer = startTimer(timeout, waiter);
        try {
            while (true) {
                getters.await(waiter);
                if (available() > 0) {
                    return remove ? remove0() : items.peek();
                }
                if (shutdown) {
                    throw new ShutDown();
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
        while (n < maxElements && available() > 0) {
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
        return () -> new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = get();
                    } catch (ShutDown e) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                T item = next;
                next = null;
                return item;
            }
        };
    }

    // ---------------------------------------------------------------- internals

    /** Items not promised to a woken getter. */
    private int available() {
        return items.size() - getters.woken;
    }

    /** Slots not promised to a woken putter. */
    private int freeSlots() {
        return maxsize == 0 ? Integer.MAX_VALUE : maxsize - items.size() - putters.woken;
    }

    /** Wakes waiters for the items and slots nobody was promised, or all of them after a shutdown. */
    final void balance() {
        if (shutdown) {
            putters.wakeAll();
            if (items.size() == 0) {
                getters.wakeAll();
            }
        }
        while (getters.hasWaiting() && available() > 0) {
            getters.wakeOne();
        }
        while (putters.hasWaiting() && freeSlots() > 0) {
            putters.wakeOne();
        }
        readable.changed();
        writable.changed();
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

    private TimerWatcher startTimer(Duration timeout, Waiter<Boolean> waiter) {
        if (timeout == null) {
            return null;
        }
        TimerWatcher timer = hub.loop().timer(timeout);
        timer.start(() -> {
            if (!waiter.ready()) {
                waiter.switchTo(Boolean.FALSE);
            }
        });
        return timer;
    }

    private static void checkTimeout(boolean block, Duration timeout) {
        if (block && timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("'timeout' must be a non-negative duration: " + timeout);
        }
    }

    private static boolean isZero(Duration timeout) {
        return timeout != null && timeout.isZero();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[size=" + items.size() + (maxsize > 0 ? ", maxsize=" + maxsize : "")
                + (getters.hasWaiting() ? ", getters=" + getters.waitingCount() : "")
                + (putters.hasWaiting() ? ", putters=" + putters.waitingCount() : "")
                + (shutdown ? ", shut down" : "") + "]";
    }
}
