package io.gevent4j.hub;

import java.util.function.BooleanSupplier;

/**
 * A bounded, adaptive spin that a thread runs before it parks to wait for another thread:
 * if the other thread answers within a few microseconds, the waiter sees it without parking,
 * and the other thread's {@code unpark} finds it running, so neither pays an OS wake-up
 * (on a virtual machine, waking a halted CPU costs 10-15 µs per hand-off). Spinning pays only
 * while both threads are on a CPU at once: on a machine whose cores are busy it only takes
 * CPU from the thread it waits for. So it adapts, as HotSpot's spinning on contended monitors
 * does: a wait that the spin ended keeps the next spin at its full {@link #MAX_SPIN_NANOS};
 * each one that outlasted its spin halves the next, down to none; without spinning, one wait
 * in {@link #PROBE_INTERVAL} spins in full again, to notice that spinning pays once more.
 * A thread that waits only rarely, or long, spins at most a few times, and an idle thread
 * spins not at all.
 *
 * <p>One per waiting thread: not thread-safe. Never blocks for longer than
 * {@link #MAX_SPIN_NANOS}; never spins on a machine with a single CPU.
 */
final class AdaptiveSpin {

    /**
     * The longest spin: about what one park and unpark cost between two OS threads here, so
     * that a spin that fails costs at most as much again as the wake-up it tried to save.
     */
    static final long MAX_SPIN_NANOS = 20_000;
    /** A spin budget below this is not worth starting: it drops to none. */
    static final long MIN_SPIN_NANOS = 1_000;
    /** While spinning does not pay, one wait in this many still spins in full. */
    static final int PROBE_INTERVAL = 64;

    private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

    private long budgetNanos = MULTIPROCESSOR ? MAX_SPIN_NANOS : 0;
    private int waitsSinceProbe;

    /**
     * Spins until {@code done} says true or the current budget runs out, and adapts the
     * budget to the outcome; returns the last answer of {@code done}. The caller parks
     * afterwards if it is false, re-checking its condition as usual: the spin is only a
     * chance to skip that park. Its owner thread only.
     */
    boolean spinUntil(BooleanSupplier done) {
        long limit = budgetNanos;
        if (limit == 0) {
            if (!MULTIPROCESSOR || ++waitsSinceProbe < PROBE_INTERVAL) {
                return done.getAsBoolean();
            }
            waitsSinceProbe = 0;
            limit = MAX_SPIN_NANOS;
        }
        long deadline = System.nanoTime() + limit;
        do {
            if (done.getAsBoolean()) {
                budgetNanos = MAX_SPIN_NANOS;
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0);
        long halved = budgetNanos / 2;
        budgetNanos = halved < MIN_SPIN_NANOS ? 0 : halved;
        return done.getAsBoolean();
    }

    /** The spin the next wait will start with, in nanoseconds (0: it parks at once, unless it probes). */
    long budgetNanos() {
        return budgetNanos;
    }
}
