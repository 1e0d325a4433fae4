package io.gevent4j.monitor;

/**
 * What {@link MemoryMonitor} reports when the heap crosses its threshold (gevent's
 * {@code gevent.events} memory events). Immutable.
 */
public sealed interface MemoryUsageEvent permits MemoryUsageEvent.ThresholdExceeded, MemoryUsageEvent.UnderThreshold {

    /** The heap in use when checked, in bytes. */
    long usage();

    /** The monitor's threshold, in bytes. */
    long threshold();

    /**
     * The heap in use rose above the threshold (gevent's {@code MemoryUsageThresholdExceeded}).
     *
     * @param usage     the heap in use, in bytes
     * @param threshold the threshold, in bytes
     */
    record ThresholdExceeded(long usage, long threshold) implements MemoryUsageEvent {
    }

    /**
     * The heap in use fell back to the threshold or below after exceeding it (gevent's
     * {@code MemoryUsageUnderThreshold}).
     *
     * @param usage     the heap in use, in bytes
     * @param threshold the threshold, in bytes
     */
    record UnderThreshold(long usage, long threshold) implements MemoryUsageEvent {
    }
}
