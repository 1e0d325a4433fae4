package io.gevent4j.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and timeouts a gevent4j HTTP server enforces. Each breach is answered with its
 * status and the connection is closed after the answer:
 * <ul>
 *   <li>{@code maxRequestLineBytes}: a longer request line gets 414;</li>
 *   <li>{@code maxHeaderBytes}, {@code maxHeaderCount}: larger or more header fields get 431;</li>
 *   <li>{@code maxBodyBytes}: a longer request body gets 413 (before the handler runs when
 *       {@code Content-Length} says so, else when the handler reads past the limit);</li>
 *   <li>{@code headerTimeout}: a request head that has not fully arrived this long after its
 *       first byte gets 408 (the slowloris defence);</li>
 *   <li>{@code idleTimeout}: a keep-alive connection that sends no new request for this long
 *       is closed;</li>
 *   <li>{@code ioTimeout}: a single wait to read a request body or to write a response that
 *       lasts longer ends the connection.</li>
 * </ul>
 *
 * <p>{@link #defaults()} reads each from a system property of the same name under
 * {@code gevent4j.http.} (for example {@code -Dgevent4j.http.maxBodyBytes=1048576},
 * {@code -Dgevent4j.http.idleTimeout=PT10S}) and otherwise uses the safe defaults listed
 * there. Immutable; any thread. The constructor throws {@link IllegalArgumentException} if a
 * size is not positive or a timeout is not positive.
 */
public record HttpServerLimits(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount,
                               long maxBodyBytes, Duration headerTimeout, Duration idleTimeout,
                               Duration ioTimeout) {

    /** Defaults: 8 KiB request line, 32 KiB of header fields, 100 fields, 10 MiB body, 10 s, 30 s, 60 s. */
    public static final HttpServerLimits SAFE = new HttpServerLimits(8 * 1024, 32 * 1024, 100,
            10L * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    public HttpServerLimits {
        positive("maxRequestLineBytes", maxRequestLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        positive("maxBodyBytes", maxBodyBytes);
        positive("headerTimeout", headerTimeout);
        positive("idleTimeout", idleTimeout);
        positive("ioTimeout", ioTimeout);
    }

    /**
     * {@link #SAFE}, with each value replaced by its {@code gevent4j.http.NAME} system
     * property where set (sizes as decimal numbers, timeouts as ISO-8601 durations).
     *
     * @throws IllegalArgumentException if a property does not parse or is out of range
     */
    public static HttpServerLimits defaults() {
        return new HttpServerLimits(
                (int) size("maxRequestLineBytes", SAFE.maxRequestLineBytes),
                (int) size("maxHeaderBytes", SAFE.maxHeaderBytes),
                (int) size("maxHeaderCount", SAFE.maxHeaderCount),
                size("maxBodyBytes", SAFE.maxBodyBytes),
                duration("headerTimeout", SAFE.headerTimeout),
                duration("idleTimeout", SAFE.idleTimeout),
                duration("ioTimeout", SAFE.ioTimeout));
    }

    /** A copy with {@code headerTimeout} and {@code idleTimeout} replaced. */
    public HttpServerLimits withTimeouts(Duration headerTimeout, Duration idleTimeout) {
        return new HttpServerLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes,
                headerTimeout, idleTimeout, ioTimeout);
    }

    /** A copy with the size limits replaced. */
    public HttpServerLimits withSizes(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes) {
        return new HttpServerLimits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes,
                headerTimeout, idleTimeout, ioTimeout);
    }

    private static long size(String name, long fallback) {
        String value = System.getProperty("gevent4j.http." + name);
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n > Integer.MAX_VALUE && !name.equals("maxBodyBytes")) {
                throw new IllegalArgumentException("gevent4j.http." + name + " too large: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gevent4j.http." + name + " is not a number: " + value, e);
        }
    }

    private static Duration duration(String name, Duration fallback) {
        String value = System.getProperty("gevent4j.http." + name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("gevent4j.http." + name + " is not an ISO-8601 duration (PT10S): " + value, e);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
