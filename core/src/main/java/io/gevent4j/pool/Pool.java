package io.gevent4j.pool;

import io.gevent4j.Greenlet;
import io.gevent4j.hub.Readiness;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link Group} of at most {@code size} greenlets (gevent's {@code Pool}):
 * {@link #spawn} and {@link #add} block while it is full, and are served in the order they
 * blocked; {@code add(g, false, null)} on a full pool throws {@link PoolFull};
 * {@link #applyAsync} never blocks. {@code new Pool(0)} never admits anyone;
 * {@code new Pool()} has no limit.
 *
 * <p><b>Threads.</b> Hub-thread only, as {@link Group}.
 *
 * <p><b>Implementation overview.</b> Blocked spawners wait on a {@link Readiness} "a slot
 * is free": the members and the spawners already woken for a slot number less than
 * {@code size}. Each member's death signals it; the layer wakes the first spawner and
 * reserves the slot for it until it runs, so a greenlet that did not wait cannot take it,
 * and a woken spawner that leaves without taking it (a kill, or {@link #waitAvailable},
 * which only looks) passes it to the next.
 */
public class Pool extends Group {

    private final int size;
    private final Readiness slotFree = Readiness.of(hub, false, () -> free() > 0);

    /** A pool without limit (gevent's {@code Pool(None)}). */
    public Pool() {
        this.size = -1;
    }

    /** A pool of at most {@code size} greenlets; 0 never admits. @throws IllegalArgumentException if negative */
    public Pool(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("pool size must be >= 0: " + size);
        }
        this.size = size;
    }

    /** The limit, or -1 for a pool without one. */
    public int capacity() {
        return size;
    }

    /** Free slots now ({@link Integer#MAX_VALUE} without limit). */
    @Override
    public int freeCount() {
        hub.checkCurrent(this);
        return free();
    }

    private int free() {
        return size < 0 ? Integer.MAX_VALUE : Math.max(0, size - greenletCount() - slotFree.reserved());
    }

    /** Adds {@code greenlet}, blocking while the pool is full. */
    @Override
    public void add(Greenlet<?> greenlet) {
        add(greenlet, true, null);
    }

    /**
     * Adds {@code greenlet}; with {@code blocking}, waits at most {@code timeout}
     * ({@code null}: no limit) for a slot.
     *
     * @throws PoolFull if no slot was (or became) free
     */
    public void add(Greenlet<?> greenlet, boolean blocking, Duration timeout) {
        Objects.requireNonNull(greenlet, "greenlet");
        hub.checkCurrent(this);
        if (contains(greenlet)) {
            return;
        }
        if (!awaitSlot(blocking, timeout)) {
            throw new PoolFull();
        }
        super.add(greenlet);
    }

    /**
     * Adds the unstarted {@code greenlet} as {@link #add(Greenlet, boolean, Duration)} does,
     * then starts it.
     *
     * @throws PoolFull if no slot was (or became) free
     */
    public <T> Greenlet<T> start(Greenlet<T> greenlet, boolean blocking, Duration timeout) {
        add(greenlet, blocking, timeout);
        greenlet.start();
        return greenlet;
    }

    /** Blocks at most {@code timeout} ({@code null}: no limit) until a slot is free; returns {@link #freeCount()}. */
    @Override
    public int waitAvailable(Duration timeout) {
        hub.checkCurrent(this);
        slotFree.await(timeout);
        return free();
    }

    @Override
    void slotFreed() {
        slotFree.signal();
    }

    private boolean awaitSlot(boolean blocking, Duration timeout) {
        return slotFree.canProceed()
                || blocking && (timeout == null || timeout.isPositive()) && slotFree.await(timeout);
    }

    @Override
    public String toString() {
        return "Pool[size=" + greenletCount() + ", capacity=" + (size < 0 ? "unlimited" : size)
                + (slotFree.waiters() == 0 ? "" : ", waiting=" + slotFree.waiters()) + "]";
    }
}
