package io.gevent4j.hub;

import org.junit.jupiter.api.RepeatedTest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Other threads hand the hub work while it keeps falling asleep in its selector: every
 * task must run, and none may be left in the inbox while the loop sleeps (a lost wake-up
 * would leave the main greenlet waiting for the last task until the test's limit).
 */
class WakeupHandshakeTest {

    private static final int THREADS = 4;
    private static final int TASKS_PER_THREAD = 5_000;

    @RepeatedTest(3)
    void everyTaskHandedOverFromOtherThreadsRuns() {
        run(() -> {
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
        });
    }
}
