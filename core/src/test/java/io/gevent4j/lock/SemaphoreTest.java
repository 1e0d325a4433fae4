package io.gevent4j.lock;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Semaphore, BoundedSemaphore and DummySemaphore. */
class SemaphoreTest {

    @Test
    void acquireTakesPermitsAndBlocksWhenNoneIsLeft() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(2);
            assertTrue(s.acquire());
            assertTrue(s.acquire());
            assertTrue(s.locked());
            assertEquals(0, s.counter());
            assertFalse(s.tryAcquire());
            assertFalse(s.acquire(Duration.ofMillis(5)));
            List<String> log = new ArrayList<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                s.acquire();
                log.add("acquired");
            });
            Gevent.sleep(0.01);
            assertTrue(log.isEmpty());
            s.release();
            g.join();
            assertEquals(List.of("acquired"), log);
        });
    }

    @Test
    void negativeInitialValueIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
    }

    @Test
    void mayBeOverReleased() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(1);
            s.release();
            s.release();
            assertEquals(3, s.counter());
        });
    }

    @Test
    void boundedSemaphoreReleasedPastItsInitialValueThrows() {
        FreshHub.run(() -> {
            BoundedSemaphore s = new BoundedSemaphore(2);
            s.acquire();
            s.release();
            IllegalStateException e = assertThrows(IllegalStateException.class, s::release);
            assertTrue(e.getMessage().contains("too many"));
            assertEquals(2, s.counter());
        });
    }

    @Test
    void dummySemaphoreNeverBlocks() {
        FreshHub.run(() -> {
            DummySemaphore s = new DummySemaphore();
            for (int i = 0; i < 10; i++) {
                assertTrue(s.acquire());
            }
            assertFalse(s.locked());
            s.release();
            assertTrue(s.acquire(Duration.ZERO));
        });
    }

    @Test
    void blockedAcquirersAreServedFifo() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            List<Integer> order = new ArrayList<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                gs.add(Gevent.spawn(() -> {
                    s.acquire();
                    order.add(n);
                }));
            }
            Gevent.sleep(0);
            assertEquals(5, s.waiters());
            for (int i = 0; i < 5; i++) {
                s.release();
            }
            Gevent.joinAll(gs);
            assertEquals(List.of(0, 1, 2, 3, 4), order);
        });
    }

    @Test
    void waitersCountsAcquirersAndLookersNotLinksAndOnlyTheyMakeANewcomerQueue() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            List<String> ran = new ArrayList<>();
            s.rawLink(() -> ran.add("link"));
            assertEquals(0, s.waiters(), "a raw link is not a blocked greenlet");
            s.release();
            assertTrue(s.tryAcquire(), "a link waiting alone does not make a newcomer queue");
            Gevent.sleep(0);
            assertEquals(List.of("link"), ran, "the link was told a permit was free");
            Greenlet<Boolean> looker = Gevent.spawn(() -> s.await(null));
            Greenlet<Boolean> acquirer = Gevent.spawn(() -> s.acquire());
            Gevent.sleep(0);
            assertEquals(2, s.waiters(), "a looker and an acquirer");
            s.release();
            assertFalse(s.tryAcquire(), "the permit went to the acquirer that waited");
            assertEquals(0, s.waiters(), "both were granted at once");
            assertTrue(looker.get() && acquirer.get());
            assertEquals(0, s.counter());
        });
    }

    @Test
    void limitsConcurrencyInTryWithResources() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(3);
            int[] inside = {0};
            int[] max = {0};
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                gs.add(Gevent.spawn(() -> {
                    try (var held = s.acquired()) {
                        inside[0]++;
                        max[0] = Math.max(max[0], inside[0]);
                        Gevent.sleep(0.001);
                        inside[0]--;
                    }
                }));
            }
            Gevent.joinAll(gs);
            assertEquals(3, max[0]);
            assertEquals(3, s.counter());
        });
    }

    @Test
    void aTimeoutInABlockedAcquireTakesNoPermit() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    s.acquire();
                }
            });
            assertEquals(0, s.waiters());
            s.release();
            assertEquals(1, s.counter());
        });
    }

    @Test
    void aKilledAcquirerIsSkipped() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            Greenlet<Boolean> killed = Gevent.spawn(() -> s.acquire());
            Greenlet<Boolean> next = Gevent.spawn(() -> s.acquire(Duration.ofSeconds(30)));
            Gevent.sleep(0);
            killed.kill();
            s.release();
            assertTrue(next.get());
            assertEquals(0, s.counter());
        });
    }

    @Test
    void anotherThreadReleasesForAWaitingMainGreenlet() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            Thread releaser = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                s.release();
            });
            // nothing else keeps the hub alive: the blocked acquirer must, no LoopExit
            assertTrue(s.acquire(Duration.ofSeconds(30)));
            releaser.join();
        });
    }

    @Test
    void isSharedByGreenletsOfSeveralHubs() throws Exception {
        Semaphore s = new Semaphore(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int hubs = 3;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < hubs; h++) {
            threads.add(Thread.ofPlatform().start(() -> FreshHub.run(() -> {
                start.await();
                List<Greenlet<Void>> gs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    gs.add(Gevent.spawn(() -> {
                        for (int k = 0; k < 20; k++) {
                            try (var held = s.acquired()) {
                                if (inside.incrementAndGet() > 1) {
                                    overlap.incrementAndGet();
                                }
                                Gevent.sleep(0);
                                inside.decrementAndGet();
                            }
                        }
                        done.incrementAndGet();
                    }));
                }
                Gevent.joinAll(gs);
            })));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(hubs * 20, done.get());
        assertEquals(0, overlap.get());
        assertEquals(1, s.counter());
        assertEquals(0, s.waiters());
    }

    @Test
    void anAcquirerThatTimesOutOrIsKilledNoLongerKeepsTheHubAliveNorLosesAPermit() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            assertFalse(s.acquire(Duration.ofMillis(5)));
            Greenlet<Boolean> killedWaiting = Gevent.spawn(() -> s.acquire());
            Greenlet<Boolean> killedWhenGranted = Gevent.spawn(() -> s.acquire());
            Greenlet<Boolean> timedOut = Gevent.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    return s.acquire();
                }
            });
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Gevent.sleep(0);
            killedWaiting.kill();
            timedOut.join();
            assertTrue(timedOut.exception() instanceof Timeout);
            s.release();
            killedWhenGranted.kill(new io.gevent4j.GreenletExit(), false, null);
            killedWhenGranted.join();
            assertEquals(0, s.waiters());
            assertEquals(killedWhenGranted.killed() ? 1 : 0, s.counter(), "a permit granted to a killed acquirer is passed on");
            assertThrows(LoopExit.class, () -> new io.gevent4j.event.Event().await());
        });
    }

    @Test
    void acquirersOfSeveralHubsTimedOutAndKilledAtRandomNeverLoseNorDuplicateAPermit() throws Exception {
        int permits = 2;
        Semaphore s = new Semaphore(permits);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        AtomicInteger acquired = new AtomicInteger();
        List<Thread> hubs = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int h = 0; h < 3; h++) {
            long seed = h;
            hubs.add(Thread.ofPlatform().start(() -> {
                try {
                    FreshHub.run(() -> {
                        Gevent.getHub().setErrorHandler((ctx, t) -> { });
                        java.util.Random rnd = new java.util.Random(seed);
                        List<Greenlet<Void>> workers = new ArrayList<>();
                        for (int w = 0; w < 10; w++) {
                            workers.add(Gevent.spawn(() -> {
                                for (int round = 0; round < 100; round++) {
                                    if (s.acquire(Duration.ofNanos(rnd.nextInt(500_000)))) {
                                        try {
                                            acquired.incrementAndGet();
                                            maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                                            Gevent.sleep(0);
                                        } finally {
                                            holding.decrementAndGet();
                                            s.release();
                                        }
                                    }
                                }
                            }));
                        }
                        for (int k = 0; k < 50; k++) {
                            Gevent.sleep(0.0002);
                            workers.get(rnd.nextInt(workers.size())).kill(new io.gevent4j.GreenletExit(), false, null);
                        }
                        Gevent.joinAll(workers);
                    });
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : hubs) {
            t.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(acquired.get() > 0);
        assertTrue(maxHolding.get() <= permits, "at most " + permits + " held at once: " + maxHolding);
        assertEquals(permits, s.counter(), "every permit came back");
        assertEquals(0, s.waiters());
    }
}
