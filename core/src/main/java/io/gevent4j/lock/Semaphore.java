package io.gevent4j.lock;

import io.gevent4j.Waitable;
import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

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
 * <p>It is {@link Waitable}, as gevent's: {@code Gevent.wait}/{@code iwait} return it once
 * a permit is free, and {@link #await(Duration)} waits for that without taking one.
 *
 * <p><b>Threads.</b> Thread-safe: greenlets of different hubs and plain platform threads
 * may share a semaphore (a platform thread that blocks runs its own hub's loop
 * meanwhile). Because any thread may release it, a greenlet blocked here keeps its hub
 * alive: its hub's main greenlet does not get {@link io.gevent4j.hub.LoopExit} meanwhile,
 * even when no other thread holds the semaphore (which threads hold a reference cannot be
 * known), where gevent, whose semaphores belong to one hub, raises it. Bound such waits
 * with a timeout.
 *
 * <p><b>Implementation overview.</b> The count and the FIFO of waiters (acquirers, lookers
 * that only wait for a free permit, and raw links) are guarded by one monitor, held only for
 * a few field updates (never while blocking or running a callback); {@code blocked}
 * counts the acquirers and lookers in the FIFO, so a newcomer knows in O(1) whether to
 * queue. A release with waiters hands its permit directly: it grants the waiters at the
 * head while the count allows, an acquirer consuming the permit (marked granted) and a
 * looker or raw link not, then wakes each on its hub: directly when the releaser runs on it, else through the
 * waiter's {@link AsyncWatcher} (which also keeps that hub alive) or the hub's thread-safe
 * callback entry. An acquirer that leaves (timeout, kill) checks under the monitor whether
 * it was granted meanwhile: if it leaves by an exception it passes the permit on, so none
 * is lost.
 */
public class Semaphore implements Waitable, Acquirable<Semaphore> {

    /** A place in the FIFO of waiters: a greenlet blocked in acquire or await, or a raw link. */
    private abstract static class Node {
        final Hub hub;
        final boolean acquires;
        boolean granted;
        /** The next node granted by the same release, woken after this one. */
        Node nextGranted;

        Node(Hub hub, boolean acquires) {
            this.hub = hub;
            this.acquires = acquires;
        }

        /** Wakes what waits for the grant, on its hub; called outside the monitor. */
        abstract void wake();
    }

    /** A greenlet blocked in acquire or await (32 bytes, as every blocked acquire makes one). */
    private static final class Blocked extends Node {
        final Waiter<Boolean> waiter;
        AsyncWatcher wakeup;

        Blocked(Hub hub, boolean acquires) {
            super(hub, acquires);
            this.waiter = new Waiter<>(hub);
        }

        @Override
        void wake() {
            if (hub.isCurrent()) {
                if (!waiter.ready()) {
                    waiter.switchTo(Boolean.TRUE);
                }
            } else if (wakeup != null) {
                wakeup.send();
            }
        }
    }

    /** A callback added with {@link #rawLink}. */
    private static final class Link extends Node {
        final Runnable callback;

        Link(Hub hub, Runnable callback) {
            super(hub, false);
            this.callback = callback;
        }

        @Override
        void wake() {
            hub.loop().runCallbackThreadsafe(callback);
        }
    }

    private final Object monitor = new Object();
    private final ArrayDeque<Node> waiters = new ArrayDeque<>();
    private final int bound;
    private int counter;
    /** The acquirers and lookers (nodes without a link) in {@code waiters}. */
    private int blocked;

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

    /** Whether a permit is free now: an acquire would not block. */
    @Override
    public boolean ready() {
        return !locked();
    }

    /** How many acquirers and lookers are blocked. */
    public int waiters() {
        synchronized (monitor) {
            return blocked;
        }
    }

    /** Takes a permit, blocking until one is available; returns {@code true}. */
    @Override
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
        return block(true, blocking, timeout, false);
    }

    /**
     * As {@link #acquire(Duration)}, but the user's {@link Thread#interrupt()} of a blocked
     * greenlet ends the wait too (see {@link Waiter#getWithinUntilInterrupted}); a kill or
     * Timeout raised meanwhile is thrown as from {@code acquire}. The interrupt status on
     * entry is the caller's to check ({@link RLock#lockInterruptibly()}).
     *
     * @throws InterruptedException if interrupted before a permit was taken (status cleared)
     */
    boolean acquireInterruptibly(Duration timeout) throws InterruptedException {
        if (block(true, true, timeout, true)) {
            return true;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return false;
    }

    /**
     * Blocks until a permit is free, without taking it (gevent's {@code Semaphore.wait}), at
     * most {@code timeout} ({@code null}: no limit). Never throws on expiry.
     *
     * @return whether a permit is free
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean await(Duration timeout) {
        return block(false, true, timeout, false);
    }

    private boolean block(boolean acquires, boolean blocking, Duration timeout, boolean interruptible) {
        Waiter.checkTimeout(timeout);
        Blocked node;
        synchronized (monitor) {
            if (counter > 0 && blocked == 0) {
                if (acquires) {
                    counter--;
                }
                return true;
            }
            if (!blocking || (timeout != null && timeout.isZero())) {
                return false;
            }
            node = new Blocked(Hub.current(), acquires);
            waiters.addLast(node);
            blocked++;
        }
        return awaitGrant(node, timeout, interruptible);
    }

    /**
     * Waits until the node is granted or the timeout expires; an {@code interruptible} wait
     * also ends on the user's interrupt, returning {@code false} with the status set.
     */
    private boolean awaitGrant(Blocked node, Duration timeout, boolean interruptible) {
        AsyncWatcher wakeup = node.hub.loop().async();
        wakeup.start(node.waiter);
        node.wakeup = wakeup;
        boolean returned = false;
        boolean granted;
        try {
            synchronized (monitor) {
                if (node.granted) {
                    returned = true;
                    return true;
                }
            }
            if (interruptible) {
                node.waiter.getWithinUntilInterrupted(timeout, Boolean.FALSE);
            } else {
                node.waiter.getWithin(timeout, Boolean.FALSE);
            }
            returned = true;
        } finally {
            wakeup.close();
            synchronized (monitor) {
                granted = node.granted;
                if (!granted) {
                    waiters.remove(node);
                    blocked--;
                }
            }
            if (granted && node.acquires && !returned) {
                release();
            }
        }
        return granted;
    }

    /**
     * Gives a permit back: to the first blocked acquirer if there is one (waking the
     * lookers and links before it too). Returns the counter afterwards, as gevent's.
     *
     * @throws IllegalStateException for a {@link BoundedSemaphore} released more times than acquired
     */
    public int release() {
        Node wake;
        int value;
        synchronized (monitor) {
            if (bound >= 0 && counter >= bound) {
                throw new IllegalStateException("Semaphore released too many times");
            }
            counter++;
            wake = grant();
            value = counter;
        }
        wakeAll(wake);
        return value;
    }

    /**
     * Under the monitor: grants the head waiters while a permit is free; returns the first,
     * chained to the others through {@code nextGranted}, to be woken outside the monitor,
     * or {@code null} if there were none. Allocates nothing.
     */
    private Node grant() {
        Node first = null;
        Node last = null;
        while (counter > 0 && !waiters.isEmpty()) {
            Node node = waiters.pollFirst();
            node.granted = true;
            if (node instanceof Blocked) {
                blocked--;
            }
            if (node.acquires) {
                counter--;
            }
            if (last == null) {
                first = node;
            } else {
                last.nextGranted = node;
            }
            last = node;
        }
        return first;
    }

    /** Wakes the chain of nodes {@link #grant()} returned, in order. */
    private static void wakeAll(Node first) {
        for (Node node = first; node != null; node = node.nextGranted) {
            node.wake();
        }
    }

    /** Runs {@code callback} once, from the current hub, when a permit is free (soon, if one is now). */
    @Override
    public void rawLink(Runnable callback) {
        Node node = new Link(Hub.current(), Objects.requireNonNull(callback, "callback"));
        node.hub.checkCurrent(this);
        Node wake;
        synchronized (monitor) {
            waiters.addLast(node);
            wake = grant();
        }
        wakeAll(wake);
    }

    /** Removes a callback added with {@link #rawLink}; returns whether it was still waiting. */
    @Override
    public boolean unlinkRaw(Runnable callback) {
        synchronized (monitor) {
            return waiters.removeIf(node -> node instanceof Link link && link.callback == callback);
        }
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
