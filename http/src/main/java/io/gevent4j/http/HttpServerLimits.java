package io.gevent4j.http;

import io.gevent4j.config.Config;

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
 * <p>{@link #defaults()} takes them from gevent4j's configuration (for example
 * {@code -Dgevent4j.http.maxBodyBytes=1m}, {@code GEVENT4J_HTTP_IDLE_TIMEOUT=10s}); {@link #SAFE}
 * is a fixed set of safe values. Immutable; any thread. The constructor throws
 * {@link IllegalArgumentException} if a size is not positive or a timeout is not positive.
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
     * The limits gevent4j's configuration sets ({@link Config}: {@code gevent4j.http.maxRequestLineBytes},
     * {@code http.maxHeaderBytes}, {@code http.maxHeaderCount}, {@code http.maxBodyBytes},
     * {@code http.headerTimeout}, {@code http.idleTimeout}, {@code http.ioTimeout}, as system properties or
     * {@code GEVENT4J_...} environment variables, with their documented defaults, which are
     * {@link #SAFE}'s).
     *
     * @throws io.gevent4j.config.ConfigException if a setting has a value it does not accept
     */
    public static HttpServerLimits defaults() {
        Config config = Config.get();
        return new HttpServerLimits(
                bytes(config.httpMaxRequestLineBytes()),
                bytes(config.httpMaxHeaderBytes()),
                config.httpMaxHeaderCount(),
                config.httpMaxBodyBytes(),
                config.httpHeaderTimeout(),
                config.httpIdleTimeout(),
                config.httpIoTimeout());
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

    /** A size the server buffers, capped where a Java array ends. */
    private static int bytes(long n) {
        return (int) Math.min(n, Integer.MAX_VALUE - 64);
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
