package io.gevent4j.monitor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Reports when the JVM's heap in use crosses a threshold (gevent's memory monitor, which
 * watches the process's RSS; a JVM's RSS is mostly its reserved heap, so this one watches
 * what the heap holds: {@link Runtime#totalMemory()} minus {@link Runtime#freeMemory()},
 * garbage not yet collected included). Rising above the threshold is reported once as
 * {@link MemoryUsageEvent.ThresholdExceeded} (also to the {@code io.gevent4j.monitor}
 * logger at WARNING), and falling back to it or below once as
 * {@link MemoryUsageEvent.UnderThreshold} (at INFO); then it may be exceeded again.
 * A daemon platform thread checks once per period. Thread-safe.
 */
public final class MemoryMonitor extends PeriodicMonitor<MemoryUsageEvent> {

    private final long threshold;
    private final LongSupplier usage;
    private boolean above;

    /**
     * A monitor, not yet started, of {@code thresholdBytes} checked every {@code period}.
     *
     * @throws IllegalArgumentException if the threshold or the period is not positive
     */
    public MemoryMonitor(long thresholdBytes, Duration period) {
        this(thresholdBytes, period, MemoryMonitor::heapInUse);
    }

    /** A monitor that reads the usage from {@code usage} (tests give it a logical one). */
    MemoryMonitor(long thresholdBytes, Duration period, LongSupplier usage) {
        super("gevent4j-memory-monitor", positive(period));
        if (thresholdBytes <= 0) {
            throw new IllegalArgumentException("the memory threshold must be positive: " + thresholdBytes);
        }
        this.threshold = thresholdBytes;
        this.usage = usage;
    }

    private static long heapInUse() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static Duration positive(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period must be positive: " + period);
        }
        return period;
    }

    /** The threshold in bytes. */
    public long threshold() {
        return threshold;
    }

    @Override
    void check() {
        long usage = this.usage.getAsLong();
        if (!above && usage > threshold) {
            above = true;
            LOG.log(Level.WARNING, () -> "gevent4j: the heap in use, " + usage + " bytes, exceeds the threshold of "
                    + threshold + " bytes");
            emit(new MemoryUsageEvent.ThresholdExceeded(usage, threshold));
        } else if (above && usage <= threshold) {
            above = false;
            LOG.log(Level.INFO, () -> "gevent4j: the heap in use, " + usage + " bytes, is back under the threshold of "
                    + threshold + " bytes");
            emit(new MemoryUsageEvent.UnderThreshold(usage, threshold));
        }
    }
}
