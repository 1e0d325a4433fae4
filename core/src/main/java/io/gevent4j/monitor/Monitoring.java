package io.gevent4j.monitor;

import io.gevent4j.config.Config;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The JVM's own monitors, started from the settings ({@link Config}):
 * {@code gevent4j.monitorThread=true} starts a {@link BlockingMonitor} with
 * {@code gevent4j.maxBlockingTime} (default 100 ms) and, if {@code gevent4j.maxMemoryUsage}
 * is set, a {@link MemoryMonitor} checking every {@code gevent4j.memoryMonitorPeriod}.
 * Off by default. The first greenlet created calls {@link #startIfEnabled()}; a program may
 * call it earlier. Thread-safe.
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
     * @throws io.gevent4j.config.ConfigException if a setting has a value it does not accept
     */
    public static synchronized void startIfEnabled() {
        if (started) {
            return;
        }
        Config config = Config.get();
        started = true;
        if (!config.monitorThread()) {
            return;
        }
        blocking = new BlockingMonitor(config.maxBlockingTime());
        blocking.start();
        OptionalLong threshold = config.maxMemoryUsage();
        if (threshold.isPresent()) {
            memory = new MemoryMonitor(threshold.getAsLong(), config.memoryMonitorPeriod());
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
