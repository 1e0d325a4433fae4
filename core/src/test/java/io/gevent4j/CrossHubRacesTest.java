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
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-hub uses {@link CrossHubTest} leaves out, each where a race between hubs could
 * lose something: a result completed from another hub just as its waiter's timeout
 * expires, semaphore waiters of several hubs timing out while others release, an event's
 * flag read from other hubs, and a hub-bound queue fed through its hub's thread-safe entry.
 * Bounded counts, generous limits.
 */
class CrossHubRacesTest {

    /**
     * Each of 2,000 results is set from another hub about when its waiter's 1 ms timeout
     * expires: the waiter gets the value or a Timeout, never hangs, and the result ends up
     * holding the value either way.
     */
    @Test
    void aResultSetFromAnotherHubAsItsWaiterTimesOutIsNeitherLostNorTorn() {
        int results = 2_000;
        try (HubGroup group = HubGroup.start(2)) {
            FreshHub.run(() -> {
                int[] got = new int[2];
                for (int i = 0; i < results; i++) {
                    AsyncResult<Integer> r = new AsyncResult<>();
                    int n = i;
                    group.execute(() -> r.set(n));
                    try {
                        assertEquals(n, r.get(Duration.ofMillis(1)));
                        got[0]++;
                    } catch (Timeout expired) {
                        got[1]++;
                    }
                    assertEquals(n, r.get(FreshHub.LIMIT), "the value arrives after the timeout too");
                    assertTrue(r.successful());
                }
                assertEquals(results, got[0] + got[1]);
            });
        }
    }

    /**
     * Greenlets of three hubs take two permits with short timeouts while the holders switch:
     * never more than two inside, and every permit back at the end, so none was lost by a
     * waiter that timed out just as a permit was handed to it.
     */
    @Test
    void semaphoreWaitersOfSeveralHubsTimingOutLoseNoPermit() {
        Semaphore semaphore = new Semaphore(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger acquired = new AtomicInteger();
        CrossHubTest.runOnEveryHub(3, 30, () -> {
            for (int round = 0; round < 20; round++) {
                if (semaphore.acquire(Duration.ofNanos(200_000))) {
                    try {
                        acquired.incrementAndGet();
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Gevent.sleep(0);
                        inside.decrementAndGet();
                    } finally {
                        semaphore.release();
                    }
                }
            }
        });
        assertTrue(most.get() <= 2, "at most two holders at once: " + most);
        assertTrue(acquired.get() > 0);
        assertEquals(2, semaphore.counter(), "every permit came back");
        assertEquals(0, semaphore.waiters());
    }

    /** {@link Event#isSet()} is the one call other hubs may make: each of them sees the flag once its hub set it. */
    @Test
    void otherHubsSeeAnEventSetByItsHub() {
        try (HubGroup group = HubGroup.start(2)) {
            FreshHub.run(() -> {
                Event event = new Event();
                List<Greenlet<Boolean>> watchers = new ArrayList<>();
                for (Hub hub : group.hubs()) {
                    watchers.add(Gevent.spawnOn(hub, () -> {
                        long start = System.nanoTime();
                        while (!event.isSet() && FreshHub.secondsSince(start) < 30) {
                            Gevent.sleep(0.001);
                        }
                        return event.isSet();
                    }));
                }
                Gevent.sleep(0.01);
                event.set();
                for (Greenlet<Boolean> w : watchers) {
                    assertTrue(w.get(FreshHub.LIMIT), "the other hub saw the flag");
                }
            });
        }
    }

    /**
     * A queue belongs to one hub; producers on three other hubs put into it through that
     * hub's {@link Hub#runThreadsafe}: the consumer gets every item, each producer's in order.
     */
    @Test
    void aQueueFedByOtherHubsThroughItsHubsThreadsafeEntryLosesAndReordersNothing() {
        int producers = 3;
        int perProducer = 2_000;
        try (HubGroup group = HubGroup.start(producers)) {
            FreshHub.run(() -> {
                Hub owner = Hub.current();
                Queue<int[]> queue = new Queue<>();
                for (int p = 0; p < producers; p++) {
                    int producer = p;
                    Gevent.spawnOn(group.hubs().get(p), () -> {
                        for (int i = 0; i < perProducer; i++) {
                            int[] item = {producer, i};
                            owner.runThreadsafe(() -> queue.put(item));
                            if (i % 100 == 0) {
                                Gevent.sleep(0);
                            }
                        }
                        return null;
                    });
                }
                int[] next = new int[producers];
                for (int n = 0; n < producers * perProducer; n++) {
                    int[] item = queue.get(FreshHub.LIMIT);
                    assertEquals(next[item[0]], item[1], "producer " + item[0] + "'s items in order");
                    next[item[0]]++;
                }
                for (int p = 0; p < producers; p++) {
                    assertEquals(perProducer, next[p]);
                }
            });
        }
    }
}
