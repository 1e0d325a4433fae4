package io.gevent4j.monitor;

import java.time.Duration;
import java.util.Locale;

/**
 * The monitors' settings, read from system properties: {@code gevent4j.monitor}
 * ({@code true}/{@code false}, default {@code false}), {@code gevent4j.maxBlockingTime}
 * (a duration: {@code 100ms}, {@code 1s}, {@code 0.25} seconds, or ISO-8601; default 100 ms)
 * and {@code gevent4j.memoryThreshold} (bytes, with an optional {@code k}, {@code m} or
 * {@code g} suffix; default none: no memory monitor). The one place that knows where
 * settings come from. Immutable.
 *
 * @param enabled         whether the monitors run
 * @param maxBlockingTime how long a loop may go without turning before it is reported
 * @param memoryThreshold the heap usage in bytes above which the memory monitor reports;
 *                        0 for no memory monitor
 */
record MonitorSettings(boolean enabled, Duration maxBlockingTime, long memoryThreshold) {

    static final Duration DEFAULT_MAX_BLOCKING_TIME = Duration.ofMillis(100);

    /**
     * The settings of this JVM.
     *
     * @throws IllegalArgumentException naming the property and what it accepts, for a bad value
     */
    static MonitorSettings fromSystemProperties() {
        return new MonitorSettings(
                parseBoolean("gevent4j.monitor", System.getProperty("gevent4j.monitor")),
                parseDuration("gevent4j.maxBlockingTime", System.getProperty("gevent4j.maxBlockingTime")),
                parseBytes("gevent4j.memoryThreshold", System.getProperty("gevent4j.memoryThreshold")));
    }

    static boolean parseBoolean(String name, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw bad(name, value, "true or false");
        };
    }

    static Duration parseDuration(String name, String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_BLOCKING_TIME;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.startsWith("pt")) {
                d = Duration.parse(v);
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            } else {
                double seconds = Double.parseDouble(v.endsWith("s") ? v.substring(0, v.length() - 1) : v);
                d = Duration.ofNanos((long) (seconds * 1e9));
            }
        } catch (RuntimeException e) {
            throw bad(name, value, "a positive duration such as 100ms, 0.5s, 2 (seconds) or PT0.1S");
        }
        if (d.isNegative() || d.isZero()) {
            throw bad(name, value, "a positive duration such as 100ms, 0.5s, 2 (seconds) or PT0.1S");
        }
        return d;
    }

    static long parseBytes(String name, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1).trim());
            if (n > 0) {
                return Math.multiplyExact(n, unit);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw bad(name, value, "a positive number of bytes, optionally with k, m or g (512m)");
    }

    private static IllegalArgumentException bad(String name, String value, String accepted) {
        return new IllegalArgumentException("bad value for the setting " + name + ": \"" + value
                + "\"; it accepts " + accepted);
    }
}
