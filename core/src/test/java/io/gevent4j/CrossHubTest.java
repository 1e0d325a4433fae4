package io.gevent4j;

import io.gevent4j.event.AsyncResult;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.lock.Semaphore;
import io.gevent4j.queue.Queue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Work handed between hubs: {@link Gevent#spawnOn} with a cooperative {@code join}/{@code get}
 * from another hub or a platform thread, and the primitives used across hubs as their
 * Javadoc says (AsyncResult and Semaphore thread-safe, Event and Queue hub-bound), under load.
 */
class CrossHubTest {

    @Test
    void aGreenletSpawnedOnAnotherHubIsJoinedCooperativelyByTheCallersHub() {
        try (HubGroup group = HubGroup.start(2)) {
            Hub other = group.hubs().get(0);
            FreshHub.run(() -> {
                AtomicInteger ticks = new AtomicInteger();
                Greenlet<Void> ticker = Gevent.spawn(() -> {
                    while (true) {
                        ticks.incrementAndGet();
                        Gevent.sleep(0.001);
                    }
                });
                long limit = System.nanoTime() + FreshHub.LIMIT.toNanos();
                Greenlet<Hub> g = Gevent.spawnOn(other, () -> {
                    // ends once the caller's hub has run its ticker while the caller waits in get()
                    while (ticks.get() < 3 && System.nanoTime() < limit) {
                        Gevent.sleep(0.001);
                    }
                    return Hub.current();
                });
                assertSame(other, g.get());
                assertTrue(g.successful());
                ticker.kill();
                assertTrue(ticks.get() >= 3, "the caller's hub ran its greenlets meanwhile: " + ticks);
            });
        }
    }

    @Test
    void getFromAnotherHubRethrowsAndJoinTimesOut() {
        try (HubGroup group = HubGroup.start(1)) {
            Hub other = group.hubs().get(0);
            FreshHub.run(() -> {
                other.setErrorHandler((context, error) -> { });
                Greenlet<Object> failing = Gevent.spawnOn(other, () -> {
                    throw new IllegalArgumentException("from the other hub");
                });
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, failing::get);
                assertEquals("from the other hub", e.getMessage());

                Greenlet<String> slow = Gevent.spawnOn(other, () -> {
                    Gevent.sleep(0.2);
                    return "late";
                });
                assertFalse(slow.join(Duration.ofMillis(10)));
                assertEquals("late", slow.get(FreshHub.LIMIT));
                Greenlet<String> checked = Gevent.spawnOn(other, () -> {
                    throw new java.io.IOException("checked");
                });
                assertInstanceOf(java.io.IOException.class,
                        assertThrows(CompletionException.class, checked::get).getCause());
            });
        }
    }

    @Test
    void hubsSpawnOnEachOtherUnderLoad() {
        int perHub = 300;
        try (HubGroup group = HubGroup.start(4)) {
            List<Greenlet<Integer>> drivers = new ArrayList<>();
            for (int h = 0; h < group.size(); h++) {
                Hub next = group.hubs().get((h + 1) % group.size());
                drivers.add(Gevent.spawnOn(group.hubs().get(h), () -> {
                    List<Greenlet<Integer>> calls = new ArrayList<>();
                    for (int i = 0; i < perHub; i++) {
                        int n = i;
                        calls.add(Gevent.spawnOn(next, () -> {
                            assertSame(next, Hub.current());
                            return n;
                        }));
                    }
                    int sum = 0;
                    for (Greenlet<Integer> c : calls) {
                        sum += c.get();
                    }
                    return sum;
                }));
            }
            FreshHub.run(() -> {
                for (Greenlet<Integer> d : drivers) {
                    assertEquals(perHub * (perHub - 1) / 2, d.get(FreshHub.LIMIT));
                }
            });
        }
    }

    @Test
    void asyncResultsSetFromOtherHubsWakeTheirWaitersUnderLoad() {
        int results = 2_000;
        try (HubGroup group = HubGroup.start(3)) {
            FreshHub.run(() -> {
                List<AsyncResult<Integer>> all = new ArrayList<>();
                List<Greenlet<Integer>> waiters = new ArrayList<>();
                for (int i = 0; i < results; i++) {
                    AsyncResult<Integer> r = new AsyncResult<>();
                    all.add(r);
                    waiters.add(Gevent.spawn(() -> r.get()));
                }
                for (int i = 0; i < results; i++) {
                    AsyncResult<Integer> r = all.get(i);
                    int n = i;
                    group.execute(() -> r.set(n));
                }
                for (int i = 0; i < results; i++) {
                    assertEquals(i, waiters.get(i).get(FreshHub.LIMIT));
                }
            });
        }
    }

    @Test
    void aSemaphoreSharedByHubsAdmitsOneHolderAtATimeUnderLoad() {
        int hubs = 4;
        int perHub = 50;
        int rounds = 20;
        Semaphore semaphore = new Semaphore(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        int[] unguarded = new int[1];
        runOnEveryHub(hubs, perHub, () -> {
            for (int r = 0; r < rounds; r++) {
                semaphore.acquire();
                try {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    int seen = unguarded[0];
                    Gevent.sleep(0);
                    unguarded[0] = seen + 1;
                    inside.decrementAndGet();
                } finally {
                    semaphore.release();
                }
            }
        });
        assertEquals(1, most.get());
        assertEquals(hubs * perHub * rounds, unguarded[0], "no increment was lost");
        assertEquals(1, semaphore.counter());
    }

    /**
     * Runs {@code body} in {@code perHub} greenlets on each of {@code hubs} new hubs, all at
     * once, and returns when every one has ended (rethrowing what one threw); then closes the hubs.
     */
    static void runOnEveryHub(int hubs, int perHub, Runnable body) {
        try (HubGroup group = HubGroup.start(hubs)) {
            List<Greenlet<Void>> all = new ArrayList<>();
            for (Hub hub : group.hubs()) {
                for (int g = 0; g < perHub; g++) {
                    all.add(Gevent.spawnOn(hub, () -> {
                        body.run();
                        return null;
                    }));
                }
            }
            FreshHub.run(() -> {
                for (Greenlet<Void> g : all) {
                    g.get(FreshHub.LIMIT);
                }
            });
        }
    }

    /**
     * A thread that sees a greenlet dead sees how it ended: its value, or that it was
     * killed. Bounded: 2,000 greenlets, each watched by a spinning platform thread.
     */
    @Test
    void anotherThreadThatSeesAGreenletDeadSeesItsOutcome() throws Exception {
        AtomicInteger torn = new AtomicInteger();
        FreshHub.run(() -> {
            for (int i = 0; i < 2_000; i++) {
                Greenlet<String> g = Gevent.spawn(() -> "v");
                boolean kill = i % 2 == 1;
                Thread observer = Thread.ofPlatform().start(() -> {
                    while (!g.isDead()) {
                        Thread.onSpinWait();
                    }
                    if (kill ? !g.killed() : !"v".equals(g.value())) {
                        torn.incrementAndGet();
                    }
                });
                if (kill) {
                    g.kill();
                } else {
                    g.join();
                }
                observer.join();
            }
        });
        assertEquals(0, torn.get(), "observers saw a dead greenlet without its outcome");
    }

    @Test
    void anEventOrAQueueOfOneHubRefusesAnotherHub() {
        try (HubGroup group = HubGroup.start(1)) {
            Hub other = group.hubs().get(0);
            FreshHub.run(() -> {
                Event event = new Event();
                Queue<String> queue = new Queue<>();
                Greenlet<List<Throwable>> g = Gevent.spawnOn(other, () -> {
                    List<Throwable> thrown = new ArrayList<>();
                    for (Runnable use : List.<Runnable>of(event::set, () -> queue.put("x"))) {
                        try {
                            use.run();
                        } catch (IllegalStateException e) {
                            thrown.add(e);
                        }
                    }
                    return thrown;
                });
                assertEquals(2, g.get().size());
                assertFalse(event.isSet());
                assertTrue(queue.isEmpty());
            });
        }
    }
}
