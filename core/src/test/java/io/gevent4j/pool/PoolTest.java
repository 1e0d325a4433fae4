package io.gevent4j.pool;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.event.AsyncResult;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Pool: a bounded Group. */
class PoolTest {

    @Test
    void spawnBlocksWhileFull() {
        FreshHub.run(() -> {
            Pool pool = new Pool(2);
            List<String> log = new ArrayList<>();
            pool.spawn(() -> Gevent.sleep(0.02));
            pool.spawn(() -> Gevent.sleep(0.02));
            assertTrue(pool.full());
            assertEquals(0, pool.freeCount());
            Greenlet<Void> spawner = Gevent.spawn(() -> {
                pool.spawn(() -> log.add("third ran"));
                log.add("third spawned");
            });
            Gevent.sleep(0.005);
            assertTrue(log.isEmpty());
            spawner.join();
            pool.join();
            assertEquals(List.of("third spawned", "third ran"), log);
        });
    }

    @Test
    void nonBlockingAddOnAFullPoolThrowsPoolFull() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            pool.spawn(() -> Gevent.sleep(60));
            Greenlet<Void> extra = new Greenlet<Void>(() -> { });
            assertThrows(PoolFull.class, () -> pool.add(extra, false, null));
            assertThrows(PoolFull.class, () -> pool.add(extra, true, Duration.ofMillis(5)));
            assertFalse(pool.contains(extra));
            pool.kill();
        });
    }

    @Test
    void poolZeroNeverAdmits() {
        FreshHub.run(() -> {
            Pool pool = new Pool(0);
            assertTrue(pool.full());
            assertThrows(PoolFull.class, () -> pool.add(new Greenlet<Void>(() -> { }), false, null));
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                    pool.spawn(() -> { });
                }
            });
            assertEquals(0, pool.size());
        });
    }

    @Test
    void negativeSizeIsRejected() {
        FreshHub.run(() -> assertThrows(IllegalArgumentException.class, () -> new Pool(-1)));
    }

    @Test
    void unboundedPoolNeverBlocks() {
        FreshHub.run(() -> {
            Pool pool = new Pool();
            for (int i = 0; i < 100; i++) {
                pool.spawn(() -> Gevent.sleep(0.001));
            }
            assertFalse(pool.full());
            assertTrue(pool.join(Duration.ofSeconds(30)));
        });
    }

    @Test
    void waitAvailableBlocksUntilASlotFreesWithoutTakingIt() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            pool.spawn(() -> Gevent.sleep(0.01));
            assertEquals(0, pool.waitAvailable(Duration.ofMillis(1)));
            assertEquals(1, pool.waitAvailable(Duration.ofSeconds(30)));
            assertEquals(1, pool.freeCount());
        });
    }

    @Test
    void blockedSpawnersAreAdmittedFifo() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            List<Integer> order = new ArrayList<>();
            pool.spawn(() -> Gevent.sleep(0.005));
            List<Greenlet<Void>> spawners = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                spawners.add(Gevent.spawn(() -> {
                    pool.spawn(() -> order.add(n));
                }));
            }
            Gevent.joinAll(spawners);
            pool.join();
            assertEquals(List.of(0, 1, 2, 3), order);
        });
    }

    @Test
    void applyAsyncNeverBlocksEvenWhenFull() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            pool.spawn(() -> Gevent.sleep(0.01));
            AsyncResult<String> r = pool.applyAsync(() -> "done");
            assertFalse(r.ready());
            assertEquals("done", r.get());
        });
    }

    @Test
    void applyFromInsideAFullPoolRunsInline() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            Greenlet<Integer> g = pool.spawn(() -> pool.apply(() -> 7));
            assertEquals(7, g.get(Duration.ofSeconds(30)));
        });
    }

    @Test
    void imapYieldsInInputOrderWithAFailureAtItsPosition() {
        FreshHub.run(() -> {
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Pool pool = new Pool(3);
            IMap<Integer> results = pool.imap((Integer i) -> {
                Gevent.sleep(0.001 * (10 - i));
                if (i == 3) {
                    throw new IllegalArgumentException("three");
                }
                return i * 10;
            }, List.of(1, 2, 3, 4, 5));
            List<Object> seen = new ArrayList<>();
            while (results.hasNext()) {
                try {
                    seen.add(results.next());
                } catch (IllegalArgumentException e) {
                    seen.add(e.getMessage());
                }
            }
            assertEquals(List.of(10, 20, "three", 40, 50), seen);
        });
    }

    @Test
    void imapRespectsThePoolSizeAndTheBufferBound() {
        FreshHub.run(() -> {
            Pool pool = new Pool(4);
            int[] running = {0};
            int[] maxRunning = {0};
            int[] started = {0};
            IMap<Integer> results = pool.imap((Integer i) -> {
                started[0]++;
                running[0]++;
                maxRunning[0] = Math.max(maxRunning[0], running[0]);
                Gevent.sleep(0);
                running[0]--;
                return i;
            }, IntStream.range(0, 50).boxed().toList(), 2);
            Gevent.sleep(0.02);
            assertTrue(started[0] <= 2, "at most maxsize results started and unconsumed: " + started[0]);
            int sum = 0;
            int count = 0;
            for (int r : results) {
                sum += r;
                count++;
            }
            assertEquals(50, count);
            assertEquals(49 * 50 / 2, sum);
            assertTrue(maxRunning[0] <= 2);
        });
    }

    @Test
    void mapOverManyItemsInABoundedPool() {
        FreshHub.run(() -> {
            Pool pool = new Pool(10);
            List<Integer> out = pool.map((Integer i) -> {
                Gevent.sleep(0);
                return i + 1;
            }, IntStream.range(0, 1000).boxed().toList());
            assertEquals(1000, out.size());
            assertEquals(1, out.get(0));
            assertEquals(1000, out.get(999));
        });
    }

    @Test
    void useFromAnotherThreadThrowsIllegalState() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            Throwable[] thrown = {null};
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    pool.freeCount();
                } catch (Throwable x) {
                    thrown[0] = x;
                }
            });
            t.join();
            assertTrue(thrown[0] instanceof IllegalStateException);
        });
    }

    @Test
    void addTakesRunningGreenletsAndDiscardFreesTheSlot() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            Greenlet<Void> first = Gevent.spawn(() -> Gevent.sleep(60));
            Greenlet<Void> second = Gevent.spawn(() -> Gevent.sleep(60));
            assertEquals(1, pool.freeCount());
            pool.add(first);
            assertEquals(0, pool.freeCount());
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                    pool.add(second);
                }
            });
            assertEquals(1, pool.size());
            Greenlet<Void> unstarted = new Greenlet<Void>(() -> { });
            assertThrows(PoolFull.class, () -> pool.start(unstarted, true, Duration.ofMillis(10)));
            pool.discard(first);
            assertEquals(1, pool.freeCount());
            pool.start(unstarted, false, null).join();
            first.kill();
            second.kill();
            assertTrue(pool.join());
        });
    }

    @Test
    void poolZeroWaitAvailableReturnsZero() {
        FreshHub.run(() -> {
            Pool pool = new Pool(0);
            assertEquals(0, pool.freeCount());
            assertEquals(0, pool.waitAvailable(Duration.ofMillis(10)));
        });
    }

    @Test
    void emptyInputsGiveEmptyResults() {
        FreshHub.run(() -> {
            Pool pool = new Pool(2);
            assertFalse(pool.imap((Integer i) -> i, List.<Integer>of()).hasNext());
            assertFalse(pool.imapUnordered((Integer i) -> i, List.<Integer>of()).hasNext());
            assertEquals(List.of(), pool.map((Integer i) -> i, List.<Integer>of()));
        });
    }

    @Test
    void mapRethrowsAndImapGoesOnAfterAFailure() {
        FreshHub.run(() -> {
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Pool pool = new Pool(1);
            assertThrows(ArithmeticException.class, () -> pool.map((Integer i) -> 2 / i, List.of(1, 0, 2)));
            for (IMap<Integer> it : List.of(pool.imap((Integer i) -> 2 / i, List.of(1, 0, 2)),
                    pool.imapUnordered((Integer i) -> 2 / i, List.of(1, 0, 2)))) {
                assertEquals(2, it.next());
                assertThrows(ArithmeticException.class, it::next);
                assertEquals(1, it.next());
                assertFalse(it.hasNext());
                assertThrows(java.util.NoSuchElementException.class, it::next);
            }
        });
    }

    @Test
    void closingAnImapStopsReadingTheInput() {
        FreshHub.run(() -> {
            Pool pool = new Pool(2);
            int[] started = {0};
            int first;
            try (IMap<Integer> it = pool.imap((Integer i) -> {
                started[0]++;
                return i;
            }, IntStream.range(0, 1000).boxed().toList(), 1)) {
                first = it.next();
            }
            assertTrue(pool.join(Duration.ofSeconds(30)));
            Gevent.sleep(0.01);
            assertEquals(0, first);
            assertTrue(started[0] <= 3, "stopped after the reader left: " + started[0]);
        });
    }

    @Test
    void anImapClosedWhileItsSpawnerWaitsEndsQuietly() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            IMap<Integer> it = pool.imap((Integer i) -> i, IntStream.range(0, 10).boxed().toList(), 1);
            assertEquals(0, it.next());
            Gevent.sleep(0.01);
            it.close();
            Gevent.sleep(0.01);
            List<Integer> rest = new ArrayList<>();
            while (it.hasNext()) {
                rest.add(it.next());
            }
            assertTrue(rest.isEmpty(), "after close() the iteration is over: " + rest);
            assertTrue(pool.join(Duration.ofSeconds(30)));
        });
    }

    @Test
    void spawnersTimedOutAndKilledAtRandomNeitherOverfillNorLeakASlot() {
        FreshHub.run(() -> {
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Pool pool = new Pool(2);
            java.util.Random rnd = new java.util.Random(3);
            int[] maxSize = {0};
            int[] ran = {0};
            List<Greenlet<Void>> spawners = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int mode = rnd.nextInt(3);
                spawners.add(Gevent.spawn(() -> {
                    Runnable task = () -> {
                        ran[0]++;
                        maxSize[0] = Math.max(maxSize[0], pool.size());
                        Gevent.sleep(0.0002);
                    };
                    if (mode == 0) {
                        pool.spawn(task);
                    } else if (mode == 1) {
                        pool.start(new Greenlet<Void>(task), true, Duration.ofNanos(300_000));
                    } else {
                        pool.waitAvailable(Duration.ofNanos(300_000));
                    }
                }));
            }
            for (int k = 0; k < 100; k++) {
                spawners.get(rnd.nextInt(spawners.size())).kill(new io.gevent4j.GreenletExit(), false, null);
                Gevent.sleep(rnd.nextBoolean() ? 0 : 0.0001);
            }
            Gevent.joinAll(spawners);
            assertTrue(pool.join(Duration.ofSeconds(30)));
            assertTrue(ran[0] > 10, "some tasks ran: " + ran[0]);
            assertTrue(maxSize[0] <= 2, "never more than the pool's size: " + maxSize[0]);
            assertEquals(2, pool.freeCount(), "no slot stays reserved for a spawner that left");
            Greenlet<Integer> after = pool.spawn(() -> 1);
            assertEquals(1, after.get());
        });
    }
}
