package io.gevent4j;

import io.gevent4j.event.AsyncResult;
import io.gevent4j.event.Event;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's wait/iwait over Waitable objects, and the argument-less wait() as waitAll(). */
class WaitingTest {

    @Test
    void waitReturnsAllObjectsInTheOrderTheyBecameReady() {
        FreshHub.run(() -> {
            Greenlet<Integer> slow = Gevent.spawn(() -> {
                Gevent.sleep(0.03);
                return 1;
            });
            Greenlet<Integer> fast = Gevent.spawn(() -> 2);
            Event event = new Event();
            Gevent.spawnLater(Duration.ofMillis(10), event::set);
            List<Waitable> done = Gevent.wait(List.of(slow, fast, event));
            assertEquals(List.of(fast, event, slow), done);
        });
    }

    @Test
    void waitWithCountReturnsTheFirstOnes() {
        FreshHub.run(() -> {
            AsyncResult<String> a = new AsyncResult<>();
            AsyncResult<String> b = new AsyncResult<>();
            Gevent.spawnLater(Duration.ofMillis(5), () -> b.set("b"));
            assertEquals(List.of(b), Gevent.wait(List.of(a, b), null, 1));
        });
    }

    @Test
    void waitWithTimeoutReturnsWhatIsReadyAndNeverThrows() {
        FreshHub.run(() -> {
            Event never = new Event();
            Event set = new Event();
            set.set();
            assertEquals(List.of(set), Gevent.wait(List.of(never, set), Duration.ofMillis(20)));
            assertEquals(List.of(), Gevent.wait(List.of(never), Duration.ZERO));
        });
    }

    @Test
    void waitWithZeroTimeoutReturnsWhatIsAlreadyReady() {
        FreshHub.run(() -> {
            Event never = new Event();
            Event set = new Event();
            set.set();
            Greenlet<String> dead = Gevent.spawn(() -> "done");
            dead.join();
            assertEquals(List.of(set, dead), Gevent.wait(List.of(never, set, dead), Duration.ZERO));
        });
    }

    @Test
    void waitOnNothingReturnsAtOnce() {
        FreshHub.run(() -> assertEquals(List.of(), Gevent.wait(List.<Waitable>of())));
    }

    @Test
    void iwaitYieldsEachAsItBecomesReady() {
        FreshHub.run(() -> {
            List<Greenlet<Integer>> gs = new ArrayList<>();
            for (int i = 3; i >= 1; i--) {
                int n = i;
                gs.add(Gevent.spawn(() -> {
                    Gevent.sleep(0.01 * n);
                    return n;
                }));
            }
            List<Integer> order = new ArrayList<>();
            for (Greenlet<Integer> g : Gevent.iwait(gs)) {
                order.add(g.get());
                assertTrue(g.isDead());
            }
            assertEquals(List.of(1, 2, 3), order);
        });
    }

    @Test
    void iwaitEndsAtTheTimeoutAndUnregisters() {
        FreshHub.run(() -> {
            Event e = new Event();
            int yielded = 0;
            try (Waiting<Event> it = Gevent.iwait(List.of(e), Duration.ofMillis(10))) {
                while (it.hasNext()) {
                    it.next();
                    yielded++;
                }
            }
            assertEquals(0, yielded);
            assertEquals("Event[clear, waiters=0]", e.toString());
        });
    }

    @Test
    void aTimeoutRaisedWhileIteratingIsThrownAndTheIterationStaysUsable() {
        FreshHub.run(() -> {
            Event e = new Event();
            Waiting<Event> it = Gevent.iwait(List.of(e));
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    it.hasNext();
                }
            });
            e.set();
            assertTrue(it.hasNext());
            assertEquals(e, it.next());
            assertFalse(it.hasNext());
        });
    }

    @Test
    void waitAllRunsTheLoopUntilNothingIsLeft() {
        FreshHub.run(() -> {
            List<Integer> ran = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                Gevent.spawnLater(Duration.ofMillis(5L * (3 - i)), () -> ran.add(n));
            }
            Gevent.waitAll();
            assertEquals(List.of(2, 1, 0), ran);
        });
    }

    @Test
    void waitAllWithTimeoutReturnsFalseWhileWorkRemains() {
        FreshHub.run(() -> {
            Greenlet<Void> sleeper = Gevent.spawn(() -> Gevent.sleep(60));
            assertFalse(Gevent.waitAll(Duration.ofMillis(20)));
            sleeper.kill();
            assertTrue(Gevent.waitAll(Duration.ofSeconds(30)));
        });
    }

    @Test
    void waitAllInAGreenletIsRefused() {
        FreshHub.run(() -> {
            Greenlet<Void> g = Gevent.spawn(() -> Gevent.waitAll());
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            g.join();
            assertTrue(g.exception() instanceof IllegalStateException);
        });
    }

    @Test
    void anObjectOfAnotherHubIsRefusedAndNothingStaysRegistered() {
        Event foreign = FreshHub.call(Event::new);
        FreshHub.run(() -> {
            Event local = new Event();
            assertThrows(IllegalStateException.class, () -> Gevent.iwait(List.of(local, foreign)));
            assertEquals("Event[clear, waiters=0]", local.toString());
        });
    }

    @Test
    void twoIterationsOverOneGreenletAreBothToldOfItsEnd() {
        FreshHub.run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = new Greenlet<>(() -> 1);
            Greenlet<Void> first = Gevent.spawn(() -> {
                assertEquals(List.of(g), Gevent.joinAll(List.of(g)));
                log.add("first");
            });
            Greenlet<Void> second = Gevent.spawn(() -> {
                assertEquals(List.of(g), Gevent.joinAll(List.of(g)));
                log.add("second");
            });
            g.start();
            Gevent.joinAll(List.of(first, second));
            assertEquals(List.of("first", "second"), log);
            assertTrue(first.successful() && second.successful());
        });
    }

    @Test
    void anIterationAfterARawLinkStillSeesTheGreenletEndAndTheLinkRunsFirst() {
        FreshHub.run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.rawLink(() -> log.add("raw link"));
            assertEquals(List.of(g), Gevent.joinAll(List.of(g)));
            log.add("joined");
            assertEquals(List.of("raw link", "joined"), log);
        });
    }

    @Test
    void anIterationClosedEarlyLetsItsGreenletsBeWaitedOnAgain() {
        FreshHub.run(() -> {
            Greenlet<Integer> fast = Gevent.spawn(() -> 1);
            Greenlet<Integer> slow = Gevent.spawn(() -> {
                Gevent.sleep(0.02);
                return 2;
            });
            List<String> log = new ArrayList<>();
            assertEquals(List.of(fast), Gevent.wait(List.of(fast, slow), null, 1));
            slow.rawLink(() -> log.add("link after the closed iteration"));
            assertEquals(List.of(slow), Gevent.joinAll(List.of(slow)));
            Gevent.sleep(0);
            assertEquals(List.of("link after the closed iteration"), log);
        });
    }

    @Test
    void joinAllWithACountReturnsOnceThatManyEnded() {
        FreshHub.run(() -> {
            Greenlet<Integer> slower = Gevent.spawn(() -> {
                Gevent.sleep(0.02);
                return 1;
            });
            Greenlet<Integer> fast = Gevent.spawn(() -> 2);
            Greenlet<Void> never = Gevent.spawn(() -> Gevent.sleep(3600.0));
            assertEquals(List.of(fast, slower), Gevent.joinAll(List.of(slower, fast, never), null, false, 2));
            assertFalse(never.isDead());
            never.kill();
        });
    }

    @Test
    void joinAllWithATimeoutReturnsThoseThatEndedInTime() {
        FreshHub.run(() -> {
            Greenlet<Void> never = Gevent.spawn(() -> Gevent.sleep(3600.0));
            Greenlet<Integer> fast = Gevent.spawn(() -> 2);
            assertEquals(List.of(fast), Gevent.joinAll(List.of(never, fast), Duration.ofMillis(30)));
            assertFalse(never.isDead());
            never.kill();
        });
    }
}
