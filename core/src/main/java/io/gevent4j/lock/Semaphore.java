package io.gevent4j.lock;

import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A counter of permits greenlets acquire and release (gevent's {@code Semaphore}).
 * {@link #acquire()} takes a permit, blocking while there is none; {@link #release()} gives
 * one back and may be called more times than acquire (the count then grows past its
 * initial value; {@link BoundedSemaphore} forbids that). Blocked acquirers are served in the
 * order they blocked. A kill or {@link io.gevent4j.Timeout} raised in a blocked acquirer is
 * thrown from {@code acquire} without taking a permit.
 *
 * <pre>{@code
 * try (var held = semaphore.acquired()) {
 *     ... at most N greenlets here at a time ...
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Thread-safe: greenlets of different hubs and plain platform threads
 * may share a semaphore (a platform thread that blocks runs its own hub's loop
 * meanwhile). A greenlet blocked in {@code acquire} keeps its hub alive, since a release
 * may come from another thread: its hub's main greenlet does not get
 * {@link io.gevent4j.LoopExit} meanwhile.
 *
 * <p><b>Implementation overview.</b> The count and the FIFO of blocked acquirers are guarded
 * by one monitor, held only for a few field updates (never while blocking). A release with
 * acquirers waiting hands its permit directly to the first (marks it granted) instead of
 * raising the count, then wakes it: directly when the releaser runs on the acquirer's hub,
 * else through the acquirer's {@link AsyncWatcher}, which also keeps that hub alive. An
 * acquirer that leaves (timeout, kill) checks under the monitor whether it was granted
 * meanwhile: if it leaves by an exception it passes the permit on, so none is lost.
 */
public class Semaphore implements AutoCloseable {

    private static final class Node {
        final Waiter<Boolean> waiter;
        final Hub hub;
        AsyncWatcher wakeup;
        boolean granted;

        Node(Hub hub) {
            this.hub = hub;
            this.waiter = new Waiter<>(hub);
        }
    }

    private final Object monitor = new Object();
    private final ArrayDeque<Node> waiters = new ArrayDeque<>();
    private final int bound;
    private int counter;

    /** A semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /** A semaphore with {@code value} permits. @throws IllegalArgumentException if negative */
    public Semaphore(int value) {
        this(value, -1);
    }

    Semaphore(int value, int bound) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0: " + value);
        }
        this.counter = value;
        this.bound = bound;
    }

    /** The permits available now. */
    public int counter() {
        synchronized (monitor) {
            return counter;
        }
    }

    /** Whether an acquire would block now. */
    public boolean locked() {
        synchronized (monitor) {
            return counter <= 0;
        }
    }

    /** How many acquirers are blocked. */
    public int waiters() {
        synchronized (monitor) {
            return waiters.size();
        }
    }

    /** Takes a permit, blocking until one is available; returns {@code true}. */
    public boolean acquire() {
        return acquire(true, null);
    }

    /**
     * Takes a permit, blocking at most {@code timeout} ({@code null}: no limit).
     *
     * @return {@code false} if none became available in time
     */
    public boolean acquire(Duration timeout) {
        return acquire(true, timeout);
    }

    /** Takes a permit if one is available now, without blocking. */
    public boolean tryAcquire() {
        return acquire(false, null);
    }

    /**
     * gevent's {@code acquire(blocking, timeout)}: without {@code blocking} takes a permit
     * only if one is available now.
     *
     * @return whether a permit was taken
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean acquire(boolean blocking, Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        Node node;
        synchronized (monitor) {
            if (counter > 0 && waiters.isEmpty()) {
                counter--;
                return true;
            }
            if (!blocking || (timeout != null && timeout.isZero())) {
                return false;
            }
            node = new Node(Hub.current());
            waiters.addLast(node);
        }
        return block(node, timeout);
    }

    private boolean block(Node node, Duration timeout) {
        Waiter<Boolean> waiter = node.waiter;
        AsyncWatcher wakeup = node.hub.loop().async();
        wakeup.start(waiter);
        node.wakeup = wakeup;
        TimerWatcher timer = null;
        boolean returned = false;
        try {
            if (timeout != null) {
                timer = node.hub.loop().timer(timeout);
                timer.start(() -> {
                    if (!waiter.ready()) {
                        waiter.switchTo(Boolean.FALSE);
                    }
                });
            }
            synchronized (monitor) {
                if (node.granted) {
                    returned = true;
                    return true;
                }
            }
            waiter.get();
            returned = true;
        } finally {
            if (timer != null) {
                timer.close();
            }
            wakeup.close();
            boolean granted;
            synchronized (monitor) {
                granted = node.granted;
                if (!granted) {
                    waiters.remove(node);
                }
            }
            if (granted && !returned) {
                release();
            }
        }
        synchronized (monitor) {
            return node.granted;
        }
    }

    /**
     * Gives a permit back, to the first blocked acquirer if there is one.
     *
     * @throws IllegalStateException for a {@link BoundedSemaphore} released more times than acquired
     */
    public void release() {
        Node node;
        synchronized (monitor) {
            node = waiters.pollFirst();
            if (node == null) {
                if (bound >= 0 && counter >= bound) {
                    throw new IllegalStateException("Semaphore released too many times");
                }
                counter++;
                return;
            }
            node.granted = true;
        }
        if (node.hub.isCurrent()) {
            node.waiter.switchTo(Boolean.TRUE);
        } else {
            AsyncWatcher wakeup = node.wakeup;
            if (wakeup != null) {
                wakeup.send();
            }
        }
    }

    /** Acquires a permit and returns this, to be released by try-with-resources. */
    public Semaphore acquired() {
        acquire();
        return this;
    }

    /** Same as {@link #release()}: ends a try-with-resources block opened by {@link #acquired()}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        synchronized (monitor) {
            return getClass().getSimpleName() + "[counter=" + counter + ", waiters=" + waiters.size() + "]";
        }
    }
}
