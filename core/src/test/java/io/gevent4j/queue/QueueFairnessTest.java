package io.gevent4j.queue;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many putters and getters at once, each calling again and again with random pauses: the
 * calls that had to wait finish in the order they began (waiters are woken in the order they
 * blocked, so none starves), items come out in the order their puts finished, nothing is lost
 * or duplicated; and producers on other threads and hubs, which hand their items over
 * through the hub's thread-safe entry, keep their own order.
 */
class QueueFairnessTest {

    private static final int PUTTERS = 40;
    private static final int GETTERS = 40;
    private static final int ROUNDS = 50;

    /**
     * The order in which the calls that waited began and finished, and the items in the order
     * puts finished and gets returned them. {@code steps} counts every call's beginning and
     * end: a call during which it moved is one that waited (the others never switch).
     */
    private static final class Log {
        int steps;
        int getsBegun;
        int putsBegun;
        final List<Integer> getsThatWaited = new ArrayList<>();
        final List<Integer> putsThatWaited = new ArrayList<>();
        final List<Integer> itemsPut = new ArrayList<>();
        final List<Integer> itemsGot = new ArrayList<>();
    }

    /** Lets the others run 0 to 2 times: no timers, so one seed makes one interleaving whatever the machine's load. */
    private static void pause(Random random) {
        for (int n = random.nextInt(3); n > 0; n--) {
            Gevent.sleep(0);
        }
    }

    private static void assertInOrder(List<Integer> tickets, String what) {
        for (int i = 1; i < tickets.size(); i++) {
            assertTrue(tickets.get(i) > tickets.get(i - 1), what + ": call " + tickets.get(i) + " finished after "
                    + tickets.get(i - 1) + ", which began later");
        }
    }

    @Test
    void callsFinishInTheOrderTheyBeganAndItemsInTheOrderPut() {
        for (int maxsize : new int[] {1, 3, 0}) {
            FreshHub.run(() -> {
                SimpleQueue<Integer> q = new Queue<>(maxsize);
                Log log = new Log();
                Random random = new Random(maxsize * 31L + 7);
                List<Greenlet<Void>> all = new ArrayList<>();
                for (int p = 0; p < PUTTERS; p++) {
                    int putter = p;
                    all.add(Gevent.spawn(() -> {
                        for (int i = 0; i < ROUNDS; i++) {
                            pause(random);
                            int ticket = log.putsBegun++;
                            int step = ++log.steps;
                            int item = putter * ROUNDS + i;
                            q.put(item);
                            if (log.steps++ != step) {
                                log.putsThatWaited.add(ticket);
                            }
                            log.itemsPut.add(item);
                        }
                    }));
                }
                for (int g = 0; g < GETTERS; g++) {
                    all.add(Gevent.spawn(() -> {
                        for (int i = 0; i < PUTTERS * ROUNDS / GETTERS; i++) {
                            pause(random);
                            int ticket = log.getsBegun++;
                            int step = ++log.steps;
                            Integer item = q.get();
                            if (log.steps++ != step) {
                                log.getsThatWaited.add(ticket);
                            }
                            log.itemsGot.add(item);
                        }
                    }));
                }
                Gevent.joinAll(all);
                for (Greenlet<Void> g : all) {
                    assertTrue(g.successful(), g + " failed: " + g.exception());
                }
                assertTrue(log.getsThatWaited.size() >= 10, "the load made gets wait: " + log.getsThatWaited.size());
                assertTrue(maxsize == 0 || log.putsThatWaited.size() >= 10, "puts waited: " + log.putsThatWaited.size());
                assertInOrder(log.putsThatWaited, "puts of maxsize " + maxsize);
                assertInOrder(log.getsThatWaited, "gets of maxsize " + maxsize);
                assertEquals(log.itemsPut, log.itemsGot, "items in the order their puts finished, none lost or doubled");
                assertEquals(0, q.size());
                assertEquals(0, q.getters());
                assertEquals(0, q.putters());
            });
        }
    }

    @Test
    void producersOnOtherHubsAndThreadsKeepTheirOrderAndLoseNothing() throws Exception {
        int producers = 4;
        int items = 2_000;
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            SimpleQueue<int[]> q = new SimpleQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                boolean ownHub = p % 2 == 0; // half of them from a hub of their own, half from bare threads
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < items; i++) {
                            int[] item = {producer, i};
                            hub.runThreadsafe(() -> q.putNowait(item));
                            if (ownHub && i % 100 == 0) {
                                Gevent.sleep(0);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        if (ownHub) {
                            Hub.current().close();
                        }
                    }
                }));
            }
            List<Greenlet<Map<Integer, List<Integer>>>> consumers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                consumers.add(Gevent.spawn(() -> {
                    Map<Integer, List<Integer>> seen = new HashMap<>();
                    for (int i = 0; i < producers * items / 8; i++) {
                        int[] item = q.get();
                        seen.computeIfAbsent(item[0], k -> new ArrayList<>()).add(item[1]);
                    }
                    return seen;
                }));
            }
            go.countDown();
            Map<Integer, List<Integer>> all = new HashMap<>();
            for (Greenlet<Map<Integer, List<Integer>>> c : consumers) {
                Map<Integer, List<Integer>> seen = c.get(Duration.ofSeconds(50));
                for (Map.Entry<Integer, List<Integer>> e : seen.entrySet()) {
                    List<Integer> got = e.getValue();
                    for (int i = 1; i < got.size(); i++) {
                        assertTrue(got.get(i) > got.get(i - 1), "producer " + e.getKey() + "'s items out of order");
                    }
                    all.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(got);
                }
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(30)));
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                expected.add(i);
            }
            for (int p = 0; p < producers; p++) {
                List<Integer> got = all.getOrDefault(p, new ArrayList<>());
                Collections.sort(got);
                assertEquals(expected, got, "producer " + p + "'s items, each once");
            }
            assertEquals(0, q.size());
        });
    }
}
