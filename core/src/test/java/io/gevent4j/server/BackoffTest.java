package io.gevent4j.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {

    @Test
    void doublesFromTenMillisecondsUpToOneSecondAndResetsOnSuccess() {
        Backoff backoff = new Backoff();
        long[] expected = {10, 20, 40, 80, 160, 320, 640, 1000, 1000};
        for (long millis : expected) {
            assertEquals(Duration.ofMillis(millis), backoff.failed());
        }
        backoff.succeeded();
        assertEquals(Duration.ofMillis(10), backoff.failed());
        assertEquals(Duration.ofMillis(20), backoff.failed());
    }
}
