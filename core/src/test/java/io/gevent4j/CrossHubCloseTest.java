package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A hub that closes while other hubs or threads have work on it: greenlets spawned on it
 * whose start it never ran, joiners of its greenlets on other hubs and platform threads,
 * and a hub of a {@link HubGroup} closed from inside. Nothing waits for ever: every wait
 * here is bounded by {@link #BOUND}, far longer than any correct run needs, so a hang fails
 * the test instead of stalling it.
 */
class CrossHubCloseTest {

    private static final Duration BOUND = Duration.ofSeconds(20);

    /**
     * A platform thread with a hub of its own that waits, outside gevent4j (so its loop does
     * not run), until {@code close} is counted down, then closes its hub.
     */
    private static Hub hubClosedOn(CountDownLatch close) throws InterruptedException {
        AtomicReference<Hub> made = new AtomicReference<>();
        CountDownLatch created = new CountDownLatch(1);
        Thread owner = Thread.ofPlatform().daemon().name("closing-hub").start(() -> {
            Hub hub = Hub.current();
            made.set(hub);
            created.countDown();
            try {
                close.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            hub.close();
        });
        assertTrue(created.await(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertNotNull(owner);
        return made.get();
    }

    @Test
    void aGreenletWhoseStartTheClosingHubNeverRanIsKilledAndItsJoinersWake() throws Exception {
        CountDownLatch close = new CountDownLatch(1);
        Hub closing = hubClosedOn(close);
        FreshHub.run(() -> {
            Greenlet<String> g = Gevent.spawnOn(closing, () -> "ran");
            Greenlet<Boolean> joiner = Gevent.spawn(() -> g.join(BOUND));
            Gevent.sleep(0.01);
            close.countDown();
            assertTrue(g.join(BOUND), "a platform thread's join ends");
            assertTrue(joiner.get(BOUND), "a greenlet's join ends");
            assertTrue(g.isDead());
            assertTrue(g.killed(), "killed before it ran, as gevent kills a greenlet that never started");
            assertNull(g.get());
        });
    }

    @Test
    void spawnOnRacingCloseNeverLeavesAGreenletUnfinished() {
        int rounds = 50;
        int perRound = 20;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger killed = new AtomicInteger();
        FreshHub.run(() -> {
            for (int round = 0; round < rounds; round++) {
                CountDownLatch close = new CountDownLatch(1);
                Hub closing = hubClosedOn(close);
                List<Greenlet<String>> spawned = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    if (i == perRound / 2) {
                        close.countDown();
                    }
                    try {
                        spawned.add(Gevent.spawnOn(closing, () -> "ran"));
                    } catch (IllegalStateException refused) {
                        assertTrue(closing.isClosed(), "refused only once closed");
                    }
                }
                for (Greenlet<String> g : spawned) {
                    assertTrue(g.join(BOUND), "every greenlet ends: " + g);
                    if (g.killed()) {
                        killed.incrementAndGet();
                    } else {
                        assertEquals("ran", g.get());
                        ran.incrementAndGet();
                    }
                }
            }
        });
        assertTrue(ran.get() + killed.get() > 0);
    }

    @Test
    void joinersOnOtherHubsAndThreadsWakeWhenTheClosingHubKillsTheGreenlet() throws Exception {
        CountDownLatch close = new CountDownLatch(1);
        Hub closing = hubClosedOn(close);
        try (HubGroup others = HubGroup.start(1)) {
            FreshHub.run(() -> {
                Greenlet<Void> sleeper = Gevent.spawnOn(closing, () -> {
                    Gevent.sleep(1_000);
                    return null;
                });
                Greenlet<Boolean> otherHub = Gevent.spawnOn(others.hubs().get(0), () -> sleeper.join(BOUND));
                Greenlet<Boolean> bounded = Gevent.spawnOn(others.hubs().get(0),
                        () -> sleeper.join(Duration.ofSeconds(10)));
                Gevent.sleep(0.05);
                close.countDown();
                long start = System.nanoTime();
                assertTrue(sleeper.join(BOUND), "the platform thread's join ends");
                assertTrue(otherHub.get(BOUND), "the other hub's join ends");
                assertTrue(bounded.get(BOUND), "the bounded join ends at the kill, not at its timeout");
                assertTrue(FreshHub.secondsSince(start) < 10, "woken by the close");
                assertTrue(sleeper.killed());
            });
        }
    }

    @Test
    void aHubOfAGroupClosedFromInsideEndsItsThreadCleanlyAndIsSkipped() throws Exception {
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        HubGroup group = HubGroup.start(2);
        Hub first = group.hubs().get(0);
        Hub second = group.hubs().get(1);
        first.thread().setUncaughtExceptionHandler((t, e) -> uncaught.set(e));
        try {
            FreshHub.run(() -> {
                Greenlet<Void> target = Gevent.spawnOn(first, () -> {
                    Gevent.sleep(1_000);
                    return null;
                });
                Greenlet<Boolean> joiner = Gevent.spawnOn(second, () -> target.join(Duration.ofSeconds(10)));
                Gevent.sleep(0.05);
                long start = System.nanoTime();
                Greenlet<Void> closer = Gevent.spawnOn(first, () -> {
                    Hub.current().close();
                    return null;
                });
                assertTrue(closer.join(BOUND), "the greenlet that closed its hub ends");
                assertTrue(joiner.get(BOUND), "the other hub's bounded join saw the target killed");
                assertTrue(FreshHub.secondsSince(start) < 10, "woken by the close, not its timeout");
                first.thread().join(BOUND);
                assertFalse(first.thread().isAlive(), "the closed hub's thread ended");
                assertNull(uncaught.get(), "and ended cleanly");
                for (int i = 0; i < 4; i++) {
                    assertSame(second, group.next(), "next() skips the closed hub");
                }
                AtomicReference<Hub> ranOn = new AtomicReference<>();
                CountDownLatch ran = new CountDownLatch(2);
                for (int i = 0; i < 2; i++) {
                    group.execute(() -> {
                        ranOn.set(Hub.current());
                        ran.countDown();
                    });
                }
                assertTrue(ran.await(BOUND.toSeconds(), TimeUnit.SECONDS));
                assertSame(second, ranOn.get());
                Gevent.spawnOn(second, () -> {
                    Hub.current().close();
                    return null;
                }).join(BOUND);
                assertThrows(RejectedExecutionException.class, group::next);
                assertThrows(RejectedExecutionException.class, () -> group.execute(() -> { }));
            });
        } finally {
            group.close();
        }
        assertTrue(group.isClosed());
        assertFalse(second.thread().isAlive());
    }

    /**
     * Three threads hand tasks to a group while one of its hubs closes from inside: every
     * task runs exactly once, those that hub had not started going to another hub.
     */
    @Test
    void aTaskHandedToAGroupHubThatClosesRunsOnAnotherHubExactlyOnce() throws Exception {
        int perThread = 300;
        int threads = 3;
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        try (HubGroup group = HubGroup.start(3)) {
            CountDownLatch ran = new CountDownLatch(threads * perThread);
            IntFunction<Runnable> feed = t -> () -> {
                for (int i = 0; i < perThread; i++) {
                    int slot = t * perThread + i;
                    if (t == 0 && i == perThread / 2) {
                        Gevent.spawnOn(group.hubs().get(0), () -> {
                            Hub.current().close();
                            return null;
                        });
                    }
                    group.execute(() -> {
                        runs.incrementAndGet(slot);
                        ran.countDown();
                    });
                }
            };
            List<Thread> feeders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                feeders.add(Thread.ofPlatform().start(feed.apply(t)));
            }
            for (Thread t : feeders) {
                assertTrue(t.join(BOUND));
            }
            assertTrue(ran.await(BOUND.toSeconds(), TimeUnit.SECONDS), "every task ran: " + ran.getCount() + " left");
            assertTrue(group.hubs().get(0).isClosed());
        }
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i), "task " + i + " ran once");
        }
    }

    /**
     * A greenlet that outlives its hub's close (parked in a JDK semaphore's
     * {@code acquireUninterruptibly()}, which ignores the kill's interrupt): a bounded join from another hub ends at its timeout, and
     * an unbounded one wakes when the greenlet finally ends, off its closed hub.
     */
    @Test
    void aGreenletThatOutlivesItsHubsCloseIsJoinedBoundedlyAndWakesItsJoinersWhenItEnds() throws Exception {
        Semaphore gate = new Semaphore(0);
        CountDownLatch close = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Greenlet<String>> spawned = new AtomicReference<>();
        AtomicReference<Hub> made = new AtomicReference<>();
        Thread.ofPlatform().daemon().start(() -> {
            made.set(Hub.current());
            spawned.set(Gevent.spawn(() -> {
                entered.countDown();
                gate.acquireUninterruptibly();
                return "outlived";
            }));
            while (close.getCount() > 0) {
                Gevent.sleep(0.001);
            }
            made.get().close();
        });
        assertTrue(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
        Hub closing = made.get();
        Greenlet<String> stuck = spawned.get();
        try (HubGroup others = HubGroup.start(1)) {
            Hub other = others.hubs().get(0);
            Greenlet<Boolean> unbounded = Gevent.spawnOn(other, () -> stuck.join(BOUND));
            close.countDown();
            for (int i = 0; i < 20_000 && !closing.isClosed(); i++) {
                Thread.sleep(1);
            }
            assertTrue(closing.isClosed());
            Greenlet<Boolean> bounded = Gevent.spawnOn(other, () -> stuck.join(Duration.ofMillis(100)));
            FreshHub.run(() -> {
                assertFalse(bounded.get(BOUND), "the bounded join ended at its timeout");
                assertFalse(unbounded.ready(), "the other join still waits");
                gate.release();
                assertTrue(unbounded.get(BOUND), "and wakes when the greenlet ends");
                assertEquals("outlived", stuck.get(BOUND));
            });
        }
    }
}
