package io.gevent4j;

import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** spawn queues FIFO and runs nothing until the spawner blocks; sleep(0), sleep(>0), idle(). */
class SchedulingTest {

    @Test
    void spawnRunsNothingUntilTheSpawnerBlocks() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<?> g = Gevent.spawn(() -> log.add("greenlet"));
            log.add("spawner");
            assertEquals(List.of("spawner"), log);
            g.join();
            assertEquals(List.of("spawner", "greenlet"), log);
        });
    }

    @Test
    void greenletsRunInSpawnOrder() {
        run(() -> {
            List<Integer> log = new ArrayList<>();
            List<Greenlet<?>> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                all.add(Gevent.spawn(() -> log.add(n)));
            }
            Gevent.joinAll(all);
            for (int i = 0; i < 100; i++) {
                assertEquals(i, log.get(i));
            }
        });
    }

    @Test
    void sleepZeroInterleavesReadyGreenlets() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Void> a = Gevent.spawn(() -> {
                log.add("1A");
                Gevent.sleep(0);
                log.add("1B");
            });
            Greenlet<Void> b = Gevent.spawn(() -> {
                log.add("2A");
                Gevent.sleep(0);
                log.add("2B");
            });
            Gevent.joinAll(a, b);
            assertEquals(List.of("1A", "2A", "1B", "2B"), log);
        });
    }

    @Test
    void sleepZeroOnTheMainGreenletLetsEachReadyGreenletRunOnce() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Gevent.spawn(() -> {
                log.add("g1");
                Gevent.sleep(0);
                log.add("g1 again");
            });
            Gevent.spawn(() -> log.add("g2"));
            Gevent.sleep(0);
            assertEquals(List.of("g1", "g2"), log);
        });
    }

    @Test
    void positiveSleepWaitsAtLeastOneLoopIterationAndItsDuration() {
        run(() -> {
            long iteration = Hub.current().loop().iteration();
            long start = System.nanoTime();
            Gevent.sleep(Duration.ofMillis(20));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos());
            assertTrue(Hub.current().loop().iteration() > iteration);
        });
    }

    @Test
    void sleepInSecondsAsGeventSpellsIt() {
        run(() -> {
            long start = System.nanoTime();
            Gevent.sleep(0.01);
            assertTrue(System.nanoTime() - start >= 10_000_000L);
        });
    }

    @Test
    void idleResumesOnlyWhenNothingElseIsReady() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Void> idler = Gevent.spawn(() -> {
                Gevent.idle();
                log.add("idle");
            });
            Greenlet<Void> busy = Gevent.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    log.add("busy" + i);
                    Gevent.sleep(0);
                }
            });
            Gevent.joinAll(idler, busy);
            assertEquals("idle", log.getLast());
            assertEquals(6, log.size());
        });
    }

    @Test
    void spawnLaterStartsAfterTheDelay() {
        run(() -> {
            long start = System.nanoTime();
            Greenlet<Long> g = Gevent.spawnLater(Duration.ofMillis(30), () -> System.nanoTime());
            assertTrue(g.started());
            assertTrue(g.get() - start >= Duration.ofMillis(30).toNanos());
        });
    }

    @Test
    void greenletsRunOnTheHubThreadOneAtATime() {
        run(() -> {
            Thread hubThread = Thread.currentThread();
            int[] running = {0};
            int[] maxRunning = {0};
            List<Greenlet<?>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(Gevent.spawn(() -> {
                    for (int k = 0; k < 3; k++) {
                        running[0]++;
                        maxRunning[0] = Math.max(maxRunning[0], running[0]);
                        assertSame(hubThread, Hub.current().thread());
                        running[0]--;
                        Gevent.sleep(0);
                    }
                }));
            }
            Gevent.joinAll(all);
            assertEquals(1, maxRunning[0]);
            assertTrue(all.stream().allMatch(Greenlet::successful));
        });
    }

    @Test
    void spawnTreeRecordsTheSpawningGreenlet() {
        run(() -> {
            Greenlet<Greenlet<Void>> parent = Gevent.spawn(() -> Gevent.spawn(() -> { }));
            Greenlet<Void> child = parent.get();
            assertSame(parent, child.spawningGreenlet());
            assertSame(Hub.current().mainGreenlet(), parent.spawningGreenlet());
            child.join();
        });
    }

    @Test
    void getCurrentIsTheRunningGreenletAndNullOnTheMainThread() {
        run(() -> {
            Greenlet<Greenlet<?>> g = Gevent.spawn(Gevent::getCurrent);
            assertSame(g, g.get());
            assertEquals(null, Gevent.getCurrent());
        });
    }
}
