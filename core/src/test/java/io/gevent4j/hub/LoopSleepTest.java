package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a loop sleeps: in its selector while a channel is registered, else parked; either way
 * a task another thread hands it wakes it, also while the loop goes from one way to the
 * other between its sleeps.
 */
class LoopSleepTest {

    private static final int THREADS = 3;
    private static final int TASKS_PER_THREAD = 3_000;

    @Test
    void tasksFromOtherThreadsWakeALoopThatSleepsNowInItsSelectorNowParked() {
        run(() -> {
            Hub hub = Hub.current();
            Loop loop = hub.loop();
            int total = THREADS * TASKS_PER_THREAD;
            int[] ran = {0};
            Waiter<Void> allRan = new Waiter<>();
            AsyncWatcher keepAlive = loop.async();
            keepAlive.start(() -> { });
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                producers.add(Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < TASKS_PER_THREAD; i++) {
                        loop.runCallbackThreadsafe(() -> {
                            if (++ran[0] == total) {
                                allRan.switchTo(null);
                            }
                        });
                        if (random.nextInt(16) == 0) {
                            LockSupport.parkNanos(random.nextInt(100_000));
                        }
                    }
                }));
            }
            // a greenlet registers a channel, sleeps, and releases it, over and over, so that
            // the loop's sleeps alternate between its selector and a park
            Greenlet<Void> switcher = Gevent.spawn(() -> {
                while (!allRan.ready()) {
                    Pipe pipe = Pipe.open();
                    pipe.source().configureBlocking(false);
                    IoWatcher never = loop.io(pipe.source(), SelectionKey.OP_READ);
                    never.start(() -> { });
                    Gevent.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextInt(200_000)));
                    never.close();
                    loop.closeChannel(pipe.source());
                    pipe.sink().close();
                    assertTrue(loop.selector.keys().isEmpty(), "the channel's key is released");
                    Gevent.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextInt(200_000)));
                }
                return null;
            });
            allRan.get();
            for (Thread p : producers) {
                p.join();
            }
            switcher.get();
            keepAlive.close();
            assertEquals(total, ran[0]);
        });
    }

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
