package io.gevent4j.server;

import java.time.Duration;

/**
 * The pause after a failed accept or receive, as gevent's servers take it: 10 ms after the
 * first failure, doubled after each failure in a row up to 1 s, back to 10 ms after a
 * success. Used by the receiving greenlet of one server only.
 */
final class Backoff {

    static final Duration MIN_DELAY = Duration.ofMillis(10);
    static final Duration MAX_DELAY = Duration.ofSeconds(1);

    private Duration next = MIN_DELAY;

    /** The pause to take after this failure; the next one will be twice as long, up to {@link #MAX_DELAY}. */
    Duration failed() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : doubled;
        return now;
    }

    /** A success: the next failure pauses {@link #MIN_DELAY} again. */
    void succeeded() {
        next = MIN_DELAY;
    }
}
