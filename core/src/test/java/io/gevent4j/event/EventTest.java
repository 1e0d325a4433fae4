package io.gevent4j.event;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Event: a resettable flag greenlets wait for. */
class EventTest {

    @Test
    void awaitReturnsAtOnceWhenSet() {
        FreshHub.run(() -> {
            Event e = new Event();
            assertFalse(e.isSet());
            e.set();
            assertTrue(e.isSet());
            assertTrue(e.await());
            assertTrue(e.await(Duration.ZERO));
        });
    }

    @Test
    void awaitBlocksUntilSetByAnotherGreenlet() {
        FreshHub.run(() -> {
            Event e = new Event();
            List<String> log = new ArrayList<>();
            Gevent.spawn(() -> {
                log.add("setter");
                e.set();
            });
            assertTrue(e.await());
            log.add("woken");
            assertEquals(List.of("setter", "woken"), log);
        });
    }

    @Test
    void awaitWithTimeoutReturnsFalseAndNeverThrows() {
        FreshHub.run(() -> {
            Event e = new Event();
            assertFalse(e.await(Duration.ofMillis(20)));
            assertFalse(e.await(Duration.ZERO));
        });
    }

    @Test
    void awaitReturnsTrueEvenIfClearedBeforeTheWaiterRan() {
        FreshHub.run(() -> {
            Event e = new Event();
            Greenlet<Boolean> waiter = Gevent.spawn(() -> e.await(Duration.ofSeconds(10)));
            Gevent.sleep(0);
            e.set();
            e.clear();
            assertTrue(waiter.get());
            assertFalse(e.isSet());
        });
    }

    @Test
    void clearMakesLaterWaitsBlock() {
        FreshHub.run(() -> {
            Event e = new Event();
            e.set();
            e.clear();
            assertFalse(e.await(Duration.ofMillis(10)));
        });
    }

    @Test
    void waitersWakeInTheOrderTheyWaited() {
        FreshHub.run(() -> {
            Event e = new Event();
            List<Integer> order = new ArrayList<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                gs.add(Gevent.spawn(() -> {
                    e.await();
                    order.add(n);
                }));
            }
            Gevent.sleep(0);
            e.set();
            Gevent.joinAll(gs);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
        });
    }

    @Test
    void thousandWaitersAllWake() {
        FreshHub.run(() -> {
            Event e = new Event();
            int[] woken = {0};
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                gs.add(Gevent.spawn(() -> {
                    if (e.await()) {
                        woken[0]++;
                    }
                }));
            }
            Gevent.sleep(0);
            e.set();
            assertEquals(1000, Gevent.joinAll(gs, Duration.ofSeconds(30)).size());
            assertEquals(1000, woken[0]);
        });
    }

    @Test
    void timeoutInAWaiterLeavesTheEventUsable() {
        FreshHub.run(() -> {
            Event e = new Event();
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                    e.await();
                }
            });
            Greenlet<Boolean> w = Gevent.spawn(() -> e.await());
            Gevent.sleep(0);
            e.set();
            assertTrue(w.get());
        });
    }

    @Test
    void killedWaiterIsRemoved() {
        FreshHub.run(() -> {
            Event e = new Event();
            Greenlet<Boolean> w = Gevent.spawn(() -> e.await());
            Gevent.sleep(0);
            w.kill();
            assertTrue(w.killed());
            assertEquals("Event[clear, waiters=0]", e.toString());
        });
    }

    @Test
    void rawLinkRunsOnceAfterSet() {
        FreshHub.run(() -> {
            Event e = new Event();
            int[] calls = {0};
            e.rawLink(() -> calls[0]++);
            Gevent.sleep(0);
            assertEquals(0, calls[0]);
            e.set();
            Gevent.sleep(0);
            e.set();
            Gevent.sleep(0);
            assertEquals(1, calls[0]);
            Runnable r = () -> calls[0]++;
            e.clear();
            e.rawLink(r);
            assertTrue(e.unlinkRaw(r));
        });
    }

    @Test
    void mainGreenletWaitingForAnEventNobodySetsGetsLoopExit() {
        FreshHub.run(() -> assertThrows(LoopExit.class, () -> new Event().await()));
    }

    @Test
    void useFromAnotherThreadThrowsIllegalState() {
        FreshHub.run(() -> {
            Event e = new Event();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    e.set();
                    thrown.complete(null);
                } catch (Throwable x) {
                    thrown.complete(x);
                }
            });
            t.start();
            t.join();
            assertTrue(thrown.get() instanceof IllegalStateException);
            assertTrue(thrown.get().getMessage().contains("belongs to the hub"));
            assertFalse(e.isSet());
        });
    }

    @Test
    void aNewWaiterOnASetEventWaitsBehindThoseStillToBeWoken() {
        FreshHub.run(() -> {
            Event e = new Event();
            List<Integer> results = new ArrayList<>();
            Gevent.spawn(() -> {
                e.await();
                results.add(1);
            });
            Gevent.spawn(() -> {
                e.await();
                results.add(2);
            });
            Gevent.sleep(0);
            Greenlet<Void> late = Gevent.spawn(() -> {
                e.set();
                assertTrue(e.await());
                results.add(3);
            });
            late.join();
            assertEquals(List.of(1, 2, 3), results);
        });
    }

    @Test
    void waitingAgainAfterClearInsideAWakeUpDoesNotSeeTheOldSet() {
        FreshHub.run(() -> {
            Event e = new Event();
            Greenlet<List<io.gevent4j.Waitable>> waiter = Gevent.spawn(() -> {
                Greenlet<Void> setter = Gevent.spawn(e::set);
                assertTrue(e.await());
                setter.join();
                e.clear();
                return Gevent.wait(List.of(e), Duration.ofMillis(10));
            });
            assertEquals(List.of(), waiter.get());
            assertFalse(e.isSet());
        });
    }

    @Test
    void gEventWaitTwiceOnASetEvent() {
        FreshHub.run(() -> {
            Event e = new Event();
            e.set();
            assertEquals(List.of(e), Gevent.wait(List.of(e)));
            assertEquals(List.of(e), Gevent.wait(List.of(e)));
        });
    }
}
