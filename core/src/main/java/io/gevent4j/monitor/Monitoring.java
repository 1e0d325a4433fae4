package io.gevent4j.monitor;

import java.util.Optional;

/**
 * The JVM's own monitors, started from the settings: {@code -Dgevent4j.monitor=true} starts
 * a {@link BlockingMonitor} with {@code gevent4j.maxBlockingTime} (default 100 ms) and, if
 * {@code gevent4j.memoryThreshold} is set (bytes, or with a k/m/g suffix), a
 * {@link MemoryMonitor} checking every {@link MemoryMonitor#DEFAULT_PERIOD}. Off by
 * default. The first greenlet created calls {@link #startIfEnabled()}; a program may call
 * it earlier. Thread-safe.
 */
public final class Monitoring {

    private static BlockingMonitor blocking;
    private static MemoryMonitor memory;
    private static boolean started;

    private Monitoring() {
    }

    /**
     * Starts the monitors the settings ask for, once per JVM; later calls do nothing.
     *
     * @throws IllegalArgumentException if a setting has a bad value (the message names it
     *         and says what it accepts)
     */
    public static synchronized void startIfEnabled() {
        if (started) {
            return;
        }
        MonitorSettings settings = MonitorSettings.fromSystemProperties();
        started = true;
        if (!settings.enabled()) {
            return;
        }
        blocking = new BlockingMonitor(settings.maxBlockingTime());
        blocking.start();
        if (settings.memoryThreshold() > 0) {
            memory = new MemoryMonitor(settings.memoryThreshold(), MemoryMonitor.DEFAULT_PERIOD);
            memory.start();
        }
    }

    /** The blocking monitor the settings started, to add listeners to; empty if none. */
    public static synchronized Optional<BlockingMonitor> blockingMonitor() {
        return Optional.ofNullable(blocking);
    }

    /** The memory monitor the settings started; empty if none. */
    public static synchronized Optional<MemoryMonitor> memoryMonitor() {
        return Optional.ofNullable(memory);
    }
}
