package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop with no channel registered sleeps parked, and a task another thread hands it wakes
 * it (the loop going from one way of sleeping to the other: {@link WakeupHandshakeTest}).
 */
class LoopSleepTest {

    @Test
    void aTaskFromAnotherThreadWakesAParkedLoopLongBeforeItsTimer() {
        run(() -> {
            Hub hub = Hub.current();
            Waiter<String> handed = new Waiter<>();
            Thread other = Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!hub.loop().isSleeping() && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
                hub.runThreadsafe(() -> handed.switchTo("handed"));
            });
            long start = System.nanoTime();
            assertEquals("handed", handed.getWithin(Duration.ofSeconds(30), "timed out"));
            other.join();
            assertTrue(hub.loop().selector.keys().isEmpty(), "no channel: the loop parked");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "woken by the task, not the timer");
        });
    }
}
