package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.event.AsyncResult;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.lock.Semaphore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The thread-safety claims of the Javadoc that {@link CrossHubTest} and
 * {@link CrossHubRacesTest} leave untested, each used from another hub (or a platform
 * thread) under a bounded load.
 */
class CrossHubClaimsTest {

    /**
     * Greenlets of one hub are killed from greenlets of two other hubs, and from a platform
     * thread, each while it waits in gevent4j: every kill lands, as a kill, and a blocking
     * kill returns once its greenlet is dead.
     */
    @Test
    void greenletsAreKilledFromOtherHubsAndThreads() {
        int perKiller = 100;
        try (HubGroup group = HubGroup.start(3)) {
            Hub victims = group.hubs().get(0);
            FreshHub.run(() -> {
                List<Greenlet<Void>> sleepers = new ArrayList<>();
                for (int i = 0; i < 3 * perKiller; i++) {
                    sleepers.add(Gevent.spawnOn(victims, () -> {
                        Gevent.sleep(1_000);
                        return null;
                    }));
                }
                List<Greenlet<Integer>> killers = new ArrayList<>();
                for (int k = 1; k <= 2; k++) {
                    List<Greenlet<Void>> mine = sleepers.subList(k * perKiller, (k + 1) * perKiller);
                    boolean block = k == 1;
                    killers.add(Gevent.spawnOn(group.hubs().get(k), () -> {
                        int dead = 0;
                        for (Greenlet<Void> g : mine) {
                            g.kill(new GreenletExit(), block, FreshHub.LIMIT);
                            dead += g.isDead() ? 1 : 0;
                        }
                        return dead;
                    }));
                }
                for (Greenlet<Void> g : sleepers.subList(0, perKiller)) {
                    g.kill();
                    assertTrue(g.isDead(), "a blocking kill from a platform thread returns once it is dead");
                }
                assertEquals(perKiller, killers.get(0).get(FreshHub.LIMIT), "blocking kills from another hub");
                killers.get(1).get(FreshHub.LIMIT);
                for (Greenlet<Void> g : sleepers) {
                    assertTrue(g.join(FreshHub.LIMIT));
                    assertTrue(g.killed(), "killed, not ended otherwise: " + g);
                }
            });
        }
    }

    /** How many timers the current hub has armed. */
    private static long armedTimers() {
        return Hub.current().loop().activeWatchers().stream().filter(w -> w instanceof TimerWatcher).count();
    }

    /**
     * A timeout pending on one hub is cancelled from a greenlet of another hub, then from a
     * platform thread: each cancel reaches the timeout's hub, which disarms its timer, and
     * the greenlet that started it is never interrupted; {@code pending()} reads the same
     * from every thread.
     */
    @Test
    void aTimeoutIsCancelledFromAnotherHubAndFromAPlatformThread() {
        try (HubGroup group = HubGroup.start(2)) {
            Hub owner = group.hubs().get(0);
            FreshHub.run(() -> {
                for (Hub canceller : List.of(group.hubs().get(1), Hub.current())) {
                    AsyncResult<Timeout> started = new AsyncResult<>();
                    Greenlet<Long> g = Gevent.spawnOn(owner, () -> {
                        long before = armedTimers();
                        Timeout t = Timeout.start(FreshHub.LIMIT);
                        assertEquals(before + 1, armedTimers());
                        started.set(t);
                        long start = System.nanoTime();
                        while (t.pending() && FreshHub.secondsSince(start) < 30) {
                            Gevent.sleep(0.001);
                        }
                        assertFalse(t.pending(), "the cancel reached this hub");
                        return armedTimers() - before;
                    });
                    Timeout t = started.get(FreshHub.LIMIT);
                    assertTrue(t.pending(), "seen pending from another thread");
                    Runnable cancel = t::cancel;
                    if (canceller == Hub.current()) {
                        cancel.run();
                    } else {
                        Gevent.spawnOn(canceller, () -> {
                            cancel.run();
                            return null;
                        }).get(FreshHub.LIMIT);
                    }
                    assertEquals(0L, g.get(FreshHub.LIMIT), "its timer was disarmed, and nothing was raised");
                    assertFalse(t.pending());
                }
            });
        }
    }

    /**
     * A timeout pending on one hub cannot be started on another: a clear
     * {@link IllegalStateException}. Once it fired there, it starts on the other hub and fires
     * in the greenlet that started it there. (The first hub's greenlet holds its hub, without
     * yielding, until the refusal was seen, so its timer cannot fire before.)
     */
    @Test
    void aTimeoutPendingOnOneHubRefusesToStartOnAnother() {
        try (HubGroup group = HubGroup.start(2)) {
            FreshHub.run(() -> {
                Timeout t = new Timeout(Duration.ofMillis(50));
                AtomicBoolean refusalSeen = new AtomicBoolean();
                AsyncResult<Boolean> started = new AsyncResult<>();
                Greenlet<Boolean> first = Gevent.spawnOn(group.hubs().get(0), () -> {
                    t.start();
                    started.set(true);
                    long start = System.nanoTime();
                    while (!refusalSeen.get() && FreshHub.secondsSince(start) < 30) {
                        Thread.onSpinWait();
                    }
                    return firesIn(t);
                });
                started.get(FreshHub.LIMIT);
                Greenlet<String> refused = Gevent.spawnOn(group.hubs().get(1), () -> {
                    try {
                        t.start();
                        return "started";
                    } catch (IllegalStateException e) {
                        return e.getMessage();
                    }
                });
                String message = refused.get(FreshHub.LIMIT);
                refusalSeen.set(true);
                assertTrue(message.contains("pending on " + group.hubs().get(0)), message);
                assertTrue(first.get(FreshHub.LIMIT), "the first hub's greenlet got its timeout");
                Greenlet<Boolean> second = Gevent.spawnOn(group.hubs().get(1), () -> {
                    t.start();
                    return firesIn(t);
                });
                assertTrue(second.get(FreshHub.LIMIT), "restarted on the other hub, it fires there");
            });
        }
    }

    /**
     * Callbacks handed with an {@code ifClosed} by two platform threads and a greenlet of
     * another hub while the hub closes: for each, exactly one of the two runs, once.
     */
    @Test
    void runThreadsafeRunsTheCallbackOrItsIfClosedExactlyOnceAcrossAClose() throws Exception {
        int perProducer = 3_000;
        int producers = 3;
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        CountDownLatch close = new CountDownLatch(1);
        AtomicReference<Hub> closing = new AtomicReference<>();
        CountDownLatch created = new CountDownLatch(1);
        Thread owner = Thread.ofPlatform().start(() -> {
            Hub hub = Hub.current();
            closing.set(hub);
            created.countDown();
            Greenlet<Void> busy = Gevent.spawn(() -> {
                while (true) {
                    Gevent.sleep(0);
                }
            });
            Gevent.spawn(() -> {
                try {
                    close.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Gevent.sleep(0.002);
                busy.kill();
                return null;
            });
            busy.join();
            hub.close();
        });
        assertTrue(created.await(FreshHub.LIMIT.toSeconds(), TimeUnit.SECONDS));
        Hub hub = closing.get();
        IntFunction<Runnable> produce = p -> () -> {
            for (int i = 0; i < perProducer; i++) {
                int slot = p * perProducer + i;
                if (p == 0 && i == perProducer / 3) {
                    close.countDown();
                }
                hub.runThreadsafe(() -> {
                    runs.incrementAndGet(slot);
                    ran.incrementAndGet();
                }, () -> {
                    runs.incrementAndGet(slot);
                    dropped.incrementAndGet();
                });
            }
        };
        try (HubGroup group = HubGroup.start(1)) {
            Greenlet<Void> fromHub = Gevent.spawnOn(group.hubs().get(0), () -> {
                produce.apply(0).run();
                return null;
            });
            List<Thread> threads = List.of(Thread.ofPlatform().start(produce.apply(1)),
                    Thread.ofPlatform().start(produce.apply(2)));
            FreshHub.run(() -> fromHub.get(FreshHub.LIMIT));
            for (Thread t : threads) {
                assertTrue(t.join(FreshHub.LIMIT));
            }
        }
        assertTrue(owner.join(FreshHub.LIMIT));
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i), "callback " + i + " ran or was dropped exactly once");
        }
        assertEquals(runs.length(), ran.get() + dropped.get());
    }

    /**
     * Greenlets of one hub wait on a semaphore shared with another hub and a platform thread;
     * their hub closes, killing them while permits are being released: no permit is lost, and
     * the waiters elsewhere still get every one.
     */
    @Test
    void aSemaphoreLosesNoPermitWhenTheHubOfSomeOfItsWaitersCloses() throws Exception {
        Semaphore semaphore = new Semaphore(0);
        int closingWaiters = 50;
        int otherWaiters = 50;
        CountDownLatch close = new CountDownLatch(1);
        AtomicReference<Hub> made = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread owner = Thread.ofPlatform().start(() -> {
            made.set(Hub.current());
            for (int i = 0; i < closingWaiters; i++) {
                Gevent.spawn(() -> {
                    semaphore.acquire();
                    semaphore.release();
                });
            }
            Gevent.sleep(0);
            waiting.countDown();
            try {
                close.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            made.get().close();
        });
        assertTrue(waiting.await(FreshHub.LIMIT.toSeconds(), TimeUnit.SECONDS));
        try (HubGroup group = HubGroup.start(1)) {
            List<Greenlet<Void>> others = new ArrayList<>();
            for (int i = 0; i < otherWaiters; i++) {
                others.add(Gevent.spawnOn(group.hubs().get(0), () -> {
                    semaphore.acquire();
                    return null;
                }));
            }
            FreshHub.run(() -> {
                Thread releaser = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < otherWaiters; i++) {
                        if (i == 5) {
                            close.countDown();
                        }
                        semaphore.release();
                    }
                });
                semaphore.release();
                semaphore.acquire();
                for (Greenlet<Void> g : others) {
                    assertTrue(g.join(FreshHub.LIMIT), "every waiter of the open hub got a permit");
                    assertTrue(g.successful());
                }
                assertTrue(releaser.join(FreshHub.LIMIT));
            });
        }
        assertTrue(owner.join(FreshHub.LIMIT));
        assertEquals(0, semaphore.counter(), "the permits the closed hub's waiters held or were granted came back");
        assertEquals(0, semaphore.waiters());
    }

    /**
     * A greenlet's {@code Future} view from a platform thread off its hub: {@code get}
     * blocks that thread until the value is there, and {@code cancel} from another hub kills
     * the greenlet.
     */
    @Test
    void aGreenletsFutureViewIsWaitedOnAndCancelledFromOtherThreads() throws Exception {
        try (HubGroup group = HubGroup.start(2)) {
            Greenlet<String> slow = Gevent.spawnOn(group.hubs().get(0), () -> {
                Gevent.sleep(0.05);
                return "done";
            });
            assertEquals("done", slow.asFuture().get(FreshHub.LIMIT.toSeconds(), TimeUnit.SECONDS));
            Greenlet<Void> sleeper = Gevent.spawnOn(group.hubs().get(0), () -> {
                Gevent.sleep(1_000);
                return null;
            });
            Future<Void> view = sleeper.asFuture();
            Greenlet<Boolean> cancelled = Gevent.spawnOn(group.hubs().get(1), () -> view.cancel(true));
            FreshHub.run(() -> {
                assertTrue(cancelled.get(FreshHub.LIMIT));
                assertTrue(sleeper.join(FreshHub.LIMIT));
                assertTrue(sleeper.killed());
            });
            assertTrue(view.isCancelled());
            assertThrows(CancellationException.class, view::get);
        }
    }

    /** A timeout left armed on a hub that closed is not pending, and starts on another hub. */
    @Test
    void aTimeoutArmedOnAHubThatClosedStartsOnAnother() {
        Timeout t = FreshHub.call(() -> Timeout.start(FreshHub.LIMIT));
        assertFalse(t.pending());
        FreshHub.run(() -> {
            t.start();
            assertTrue(t.pending());
            t.cancel();
            assertFalse(t.pending());
        });
    }

    /**
     * {@code AsyncResult.accept} is thread-safe: results of one hub linked to greenlets of two
     * other hubs, which complete them from their own hubs' threads as they end, values and
     * errors, under load.
     */
    @Test
    void asyncResultsOfOneHubTakeTheOutcomesOfGreenletsOfOtherHubs() {
        int perHub = 500;
        try (HubGroup group = HubGroup.start(2)) {
            FreshHub.run(() -> {
                List<AsyncResult<Integer>> results = new ArrayList<>();
                for (int h = 0; h < 2; h++) {
                    Hub hub = group.hubs().get(h);
                    hub.setErrorHandler((context, error) -> { });
                    List<AsyncResult<Integer>> mine = new ArrayList<>();
                    for (int i = 0; i < perHub; i++) {
                        mine.add(new AsyncResult<>());
                    }
                    results.addAll(mine);
                    int base = h * perHub;
                    Gevent.spawnOn(hub, () -> {
                        for (int i = 0; i < perHub; i++) {
                            int n = base + i;
                            Gevent.spawn(() -> {
                                Gevent.sleep(0);
                                if (n % 7 == 0) {
                                    throw new IllegalArgumentException("failed " + n);
                                }
                                return n;
                            }).link(mine.get(i));
                        }
                        return null;
                    });
                }
                for (int n = 0; n < results.size(); n++) {
                    AsyncResult<Integer> r = results.get(n);
                    if (n % 7 == 0) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> r.get(FreshHub.LIMIT));
                        assertEquals("failed " + n, e.getMessage());
                    } else {
                        assertEquals(n, r.get(FreshHub.LIMIT));
                    }
                }
            });
        }
    }

    /**
     * {@code Gevent.joinAll} over greenlets of the caller's hub and two other hubs: they come
     * in the order they ended, a count and a timeout bound the wait, raiseError rethrows the
     * first failure seen; {@code killAll} kills and waits for greenlets of other hubs.
     */
    @Test
    void joinAllAndKillAllTakeGreenletsOfOtherHubs() {
        try (HubGroup group = HubGroup.start(2)) {
            FreshHub.run(() -> {
                group.hubs().get(1).setErrorHandler((context, error) -> { });
                CountDownLatch localEnded = new CountDownLatch(1);
                Greenlet<String> later = Gevent.spawnOn(group.hubs().get(0), () -> {
                    assertTrue(localEnded.await(FreshHub.LIMIT.toSeconds(), TimeUnit.SECONDS));
                    return "later";
                });
                Greenlet<String> first = Gevent.spawnOn(group.hubs().get(1), () -> "first");
                first.join(FreshHub.LIMIT);
                Greenlet<String> local = Gevent.spawn(() -> {
                    Gevent.sleep(0.05);
                    return "local";
                });
                local.link(g -> localEnded.countDown());
                List<Greenlet<?>> all = List.of(later, local, first);
                assertEquals(List.of(first), Gevent.joinAll(all, FreshHub.LIMIT, false, 1), "a count of one");
                assertEquals(List.of(first, local, later), Gevent.joinAll(all), "in the order they ended");

                Greenlet<Void> sleeper = Gevent.spawnOn(group.hubs().get(0), () -> {
                    Gevent.sleep(1_000);
                    return null;
                });
                long start = System.nanoTime();
                assertEquals(List.of(), Gevent.joinAll(List.of(sleeper), Duration.ofMillis(50)), "the timeout bounds it");
                assertTrue(FreshHub.secondsSince(start) < 30);
                Greenlet<Void> failing = Gevent.spawnOn(group.hubs().get(1), () -> {
                    throw new IllegalArgumentException("boom");
                });
                assertThrows(IllegalArgumentException.class,
                        () -> Gevent.joinAll(List.of(sleeper, failing), FreshHub.LIMIT, true));

                Greenlet<Void> other = Gevent.spawnOn(group.hubs().get(1), () -> {
                    Gevent.sleep(1_000);
                    return null;
                });
                Gevent.killAll(List.of(sleeper, other));
                assertTrue(sleeper.killed() && other.killed(), "both killed, and dead when killAll returned");
            });
        }
    }

    /** Sleeps in the current greenlet until {@code t}, started, fires: whether it was {@code t} that ended the sleep. */
    private static boolean firesIn(Timeout t) {
        try {
            Gevent.sleep(FreshHub.LIMIT.toSeconds());
            return false;
        } catch (Timeout expired) {
            return expired == t;
        }
    }
}
