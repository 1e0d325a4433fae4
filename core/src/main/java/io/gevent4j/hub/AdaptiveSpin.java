package io.gevent4j.hub;

import java.util.function.BooleanSupplier;

/**
 * A bounded, adaptive spin that a thread runs before it parks to wait for another thread:
 * if the other thread answers within the spin, the waiter sees it without parking, and the
 * other thread's {@code unpark} finds it running, so neither pays an OS wake-up.
 *
 * <p>Spinning pays only where a wake-up is dear and the other thread answers soon, so the
 * spin adapts to both, and never lasts longer than {@link #MAX_SPIN_NANOS}:
 * <ul>
 *   <li>It lasts no longer than a wake-up costs, the median of the waiter's recent ones
 *       ({@link #wokenUp}): on an idle virtual machine, where a parked thread's CPU halts
 *       and waking it costs 10-15 µs, it spins that long; on a busy one, where the CPUs
 *       stay awake and a wake-up costs a few µs, barely or not at all. A failed spin then
 *       costs at most what the park it tried to save does.</li>
 *   <li>Like HotSpot's spinning on contended monitors, each wait that outlasts its spin
 *       halves the next one, down to none; while it is off, one wait in
 *       {@link #PROBE_INTERVAL} spins again to notice that waits have become short. A
 *       wait that the spin ends restores the full spin.</li>
 * </ul>
 * A thread that waits rarely, or long, spins at most a few times, and an idle one not at all.
 *
 * <p>Between its checks the spin yields its CPU ({@link Thread#yield()}) rather than only
 * pausing: on a busy machine the scheduler often wakes the awaited thread onto the waker's
 * own CPU, where a pausing spin keeps it queued until the spin ends (measured here: hand-off
 * round trips 2-6 times slower than with no spin at all, where yielding ones are no slower);
 * on an idle CPU the yield returns at once.
 *
 * <p>One per waiting thread: not thread-safe. Never spins on a machine with a single CPU.
 */
final class AdaptiveSpin {

    /** The longest spin: about what waking a halted CPU's thread costs here. */
    static final long MAX_SPIN_NANOS = 20_000;
    /** A spin shorter than this is not worth starting. */
    static final long MIN_SPIN_NANOS = 1_000;
    /** While waits outlast the spin, one wait in this many still spins. */
    static final int PROBE_INTERVAL = 64;

    private static final long WAKE_UP_STEP_NANOS = 1_000;

    private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

    /**
     * What a wake-up after a park costs: the median of the recent ones, tracked by a step
     * towards each one measured, so that a rare long one (the thread preempted) weighs no
     * more than a short one.
     */
    private long wakeUpNanos = MAX_SPIN_NANOS;
    /** Halved by each wait that outlasted its spin, restored by one that did not. */
    private long backoffNanos = MULTIPROCESSOR ? MAX_SPIN_NANOS : 0;
    private int waitsSinceProbe;

    /**
     * Spins until {@code done} says true or the spin's time is up, and adapts the next spin
     * to the outcome; returns the last answer of {@code done}. The caller parks afterwards
     * if it is false, re-checking its condition as usual: the spin is only a chance to skip
     * that park. Its owner thread only.
     */
    boolean spinUntil(BooleanSupplier done) {
        long limit = Math.min(backoffNanos, wakeUpNanos);
        if (backoffNanos == 0 && MULTIPROCESSOR && ++waitsSinceProbe >= PROBE_INTERVAL) {
            waitsSinceProbe = 0;
            limit = Math.min(MAX_SPIN_NANOS, wakeUpNanos);
        }
        if (limit < MIN_SPIN_NANOS) {
            return done.getAsBoolean();
        }
        long deadline = System.nanoTime() + limit;
        do {
            if (done.getAsBoolean()) {
                backoffNanos = MAX_SPIN_NANOS;
                return true;
            }
            Thread.yield();
        } while (System.nanoTime() - deadline < 0);
        long halved = backoffNanos / 2;
        backoffNanos = halved < MIN_SPIN_NANOS ? 0 : halved;
        return done.getAsBoolean();
    }

    /**
     * Records that a park ended {@code nanos} after the other thread signalled it: what a
     * wake-up costs now, which bounds the next spins. Its owner thread only.
     */
    void wokenUp(long nanos) {
        wakeUpNanos = Math.clamp(wakeUpNanos + (nanos > wakeUpNanos ? WAKE_UP_STEP_NANOS : -WAKE_UP_STEP_NANOS),
                0, MAX_SPIN_NANOS);
    }

    /**
     * How long the next wait will spin, in nanoseconds, unless it is a probe (0: it parks
     * at once).
     */
    long nextSpinNanos() {
        long limit = Math.min(backoffNanos, wakeUpNanos);
        return limit < MIN_SPIN_NANOS ? 0 : limit;
    }
}
