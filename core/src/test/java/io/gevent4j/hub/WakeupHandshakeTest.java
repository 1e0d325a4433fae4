package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import org.junit.jupiter.api.RepeatedTest;
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
 * Other threads hand the hub work while it keeps falling asleep, in its selector or parked:
 * every task must run, and none may be left in the inbox while the loop sleeps (a lost
 * wake-up would leave the main greenlet waiting for the last task until the test's limit).
 */
class WakeupHandshakeTest {

    private static final int THREADS = 4;
    private static final int TASKS_PER_THREAD = 5_000;

    @RepeatedTest(3)
    void everyTaskHandedOverFromOtherThreadsRuns() {
        run(WakeupHandshakeTest::handOverFromOtherThreads);
    }

    /** The loop sleeps in its selector while a channel is registered, else parked: both ways are woken. */
    @Test
    void everyTaskRunsWhileTheLoopSleepsNowInItsSelectorNowParked() {
        run(() -> {
            Loop loop = Hub.current().loop();
            boolean[] done = {false};
            Greenlet<Void> switcher = Gevent.spawn(() -> {
                while (!done[0]) {
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
            handOverFromOtherThreads();
            done[0] = true;
            switcher.get();
        });
    }

    private static void handOverFromOtherThreads() throws InterruptedException {
        Hub hub = Hub.current();
        int total = THREADS * TASKS_PER_THREAD;
        int[] ran = {0};
        Waiter<Void> allRan = new Waiter<>();
        AsyncWatcher keepAlive = hub.loop().async();
        keepAlive.start(() -> { });
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            producers.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < TASKS_PER_THREAD; i++) {
                    hub.loop().runCallbackThreadsafe(() -> {
                        if (++ran[0] == total) {
                            allRan.switchTo(null);
                        }
                    });
                    if (random.nextInt(64) == 0) {
                        LockSupport.parkNanos(random.nextInt(50_000));
                    }
                }
            }));
        }
        allRan.get();
        for (Thread p : producers) {
            p.join();
        }
        keepAlive.close();
        assertEquals(total, ran[0]);
    }
}
