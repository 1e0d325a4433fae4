package io.gevent4j.hub;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition greenlets wait for, over the {@link Linkable} layer: what a synchronizer
 * whose state is a few fields uses for each thing it waits for (a queue's items and free
 * slots, a pool's free slots, a thread pool becoming idle). The condition is
 * {@link #ready()}: a hot one (a queue's) is a small subclass of the owner, which reads the
 * owner's fields with no call between; others are a {@link BooleanSupplier} given to
 * {@link #of}. The owner calls {@link #signal()} whenever the condition may have become
 * true, and blocks in {@link #await(Duration)}.
 *
 * <p>With {@code notifyAll} false the condition counts something waiters consume: one
 * signal wakes waiters only while it holds, and each greenlet woken holds a
 * {@linkplain #reserved() reservation} until it runs, which the owner subtracts in the
 * condition (so "an item is there" reads {@code items - reserved() > 0}). A greenlet that
 * comes while others wait queues behind them even if the condition holds.
 *
 * <p>Hub-thread only, as every {@code Linkable}.
 */
public abstract class Readiness extends Linkable {

    /** A readiness of {@code hub}; its {@link #ready()} is evaluated on the hub's thread. */
    protected Readiness(Hub hub, boolean notifyAll) {
        super(hub, notifyAll);
    }

    /** A readiness of {@code hub} whose condition is {@code condition}, evaluated on the hub's thread. */
    public static Readiness of(Hub hub, boolean notifyAll, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        return new Readiness(hub, notifyAll) {
            @Override
            public boolean ready() {
                return condition.getAsBoolean();
            }
        };
    }

    /** Tells the waiters that the condition may hold now; they are woken from a loop callback. */
    public final void signal() {
        changed();
    }

    /**
     * Whether a greenlet that comes now may go ahead without waiting: the condition holds
     * and no greenlet waits before it. What the non-blocking forms ({@code poll},
     * {@code tryAcquire}) test.
     */
    public final boolean canProceed() {
        return waiters() == 0 && ready();
    }

    /**
     * Blocks until the condition holds, at most {@code timeout} ({@code null}: no limit;
     * zero: only looks), behind the greenlets that already wait. A kill or
     * {@code Timeout} raised meanwhile is thrown from here, and what this greenlet was
     * woken for passes to the next waiter.
     *
     * @return whether the condition holds; the caller takes what it waited for at once,
     *         before it blocks again
     */
    public final boolean await(Duration timeout) {
        hub().checkCurrent(this);
        if (canProceed()) {
            return true;
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = null;
            if (timeout != null) {
                long nanos = deadline - System.nanoTime();
                if (nanos <= 0) {
                    return ready();
                }
                left = Duration.ofNanos(nanos);
            }
            boolean notified = awaitNotify(left);
            if (ready()) {
                return true;
            }
            if (!notified) {
                return false;
            }
        }
    }
}
