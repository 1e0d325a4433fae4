package io.gevent4j.integration;

import io.gevent4j.Gevent;

import java.time.Duration;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waits, cooperatively, for other greenlets of the hub to make progress: by count, never by rate. */
final class Progress {

    /** Generous: a loaded 2-core machine must not make a live hub look frozen. */
    static final Duration BOUND = Duration.ofSeconds(20);

    private Progress() {
    }

    /** Sleeps in gevent4j until {@code counter} reaches {@code target}; fails after {@link #BOUND}. */
    static void awaitAtLeast(IntSupplier counter, int target, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (counter.getAsInt() < target) {
            assertTrue(System.nanoTime() - deadline < 0,
                    what + ": " + counter.getAsInt() + " of " + target + " within " + BOUND);
            Gevent.sleep(0.01);
        }
    }
}
