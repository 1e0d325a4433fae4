package io.gevent4j;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill(): before the first run, while blocked, with a given exception, and killAll. */
class KillTest {

    @Test
    void killingAGreenletThatNeverRanMakesItDeadAndSuccessfulAndFiresLinks() {
        run(() -> {
            AtomicInteger ran = new AtomicInteger();
            List<String> links = new ArrayList<>();
            Greenlet<?> g = Gevent.spawn(ran::incrementAndGet);
            g.link(x -> links.add("linked"));
            g.kill();
            assertTrue(g.isDead());
            assertTrue(g.ready());
            assertTrue(g.successful());
            assertTrue(g.killed());
            assertNull(g.value());
            assertNull(g.exception());
            assertFalse(g.started());
            Gevent.sleep(0.01);
            assertEquals(0, ran.get(), "a greenlet killed before it ran never runs");
            assertEquals(List.of("linked"), links);
        });
    }

    @Test
    void killingAnUnstartedGreenletPreventsItsStart() {
        run(() -> {
            AtomicInteger ran = new AtomicInteger();
            Greenlet<Integer> g = new Greenlet<>(ran::incrementAndGet);
            g.kill();
            g.start();
            Gevent.sleep(0.01);
            assertEquals(0, ran.get());
            assertTrue(g.isDead());
        });
    }

    @Test
    void killingAGreenletStartedLaterCancelsItsStart() {
        run(() -> {
            AtomicInteger ran = new AtomicInteger();
            Greenlet<?> g = Gevent.spawnLater(Duration.ofMillis(10), ran::incrementAndGet);
            g.kill();
            Gevent.sleep(0.05);
            assertEquals(0, ran.get());
            assertTrue(g.successful());
        });
    }

    @Test
    void killRaisesGreenletExitWhereTheGreenletBlocks() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                try {
                    Gevent.sleep(30.0);
                    log.add("woke normally");
                } catch (GreenletExit e) {
                    log.add("exit in sleep");
                    throw e;
                }
            });
            Gevent.sleep(0);
            g.kill();
            assertTrue(g.isDead(), "block=true waits for the death");
            assertTrue(g.successful());
            assertTrue(g.killed());
            assertEquals(List.of("exit in sleep"), log);
        });
    }

    @Test
    void catchExceptionDoesNotSwallowAKill() {
        run(() -> {
            Greenlet<Void> server = Gevent.spawn(() -> {
                while (true) {
                    try {
                        Gevent.sleep(30.0);
                    } catch (Exception swallowed) {
                        // a careless server loop: must still die when killed
                    }
                }
            });
            Gevent.sleep(0);
            server.kill();
            assertTrue(server.isDead());
        });
    }

    @Test
    void killWithAnotherExceptionEndsTheGreenletUnsuccessfully() {
        run(() -> {
            List<Object> reported = new ArrayList<>();
            io.gevent4j.hub.Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            IllegalStateException boom = new IllegalStateException("stop");
            Greenlet<Void> g = Gevent.spawn(() -> Gevent.sleep(30.0));
            Gevent.sleep(0);
            g.kill(boom, true, null);
            assertFalse(g.successful());
            assertSame(boom, g.exception());
            assertSame(boom, assertThrows(IllegalStateException.class, g::get));
            assertEquals(List.of(boom), reported);
        });
    }

    @Test
    void nonBlockingKillReturnsAtOnceAndTheGreenletDiesLater() {
        run(() -> {
            Greenlet<Void> g = Gevent.spawn(() -> Gevent.sleep(30.0));
            Gevent.sleep(0);
            g.kill(new GreenletExit(), false, null);
            assertFalse(g.isDead());
            g.join();
            assertTrue(g.killed());
        });
    }

    @Test
    void killWithATimeoutGivesUpOnAGreenletThatRefusesToDie() {
        run(() -> {
            Greenlet<Void> stubborn = Gevent.spawn(() -> {
                try {
                    Gevent.sleep(30.0);
                } catch (GreenletExit e) {
                    Gevent.sleep(0.2);
                }
            });
            Gevent.sleep(0);
            stubborn.kill(new GreenletExit(), true, Duration.ofMillis(20));
            assertFalse(stubborn.isDead());
            stubborn.join();
            assertTrue(stubborn.successful());
        });
    }

    @Test
    void killingADeadGreenletDoesNothing() {
        run(() -> {
            Greenlet<Integer> g = Gevent.spawn(() -> 7);
            g.join();
            g.kill();
            assertEquals(7, g.get());
            assertFalse(g.killed());
        });
    }

    @Test
    void aGreenletCanKillItself() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                Gevent.getCurrent().kill(new GreenletExit(), false, null);
                log.add("still running until it blocks");
                Gevent.sleep(0);
                log.add("unreachable");
            });
            g.join();
            assertEquals(List.of("still running until it blocks"), log);
            assertTrue(g.killed());
        });
    }

    @Test
    void killAllKillsEveryGreenlet() {
        run(() -> {
            List<Greenlet<?>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                all.add(Gevent.spawn(() -> Gevent.sleep(30.0)));
            }
            Gevent.sleep(0);
            Gevent.killAll(all);
            assertTrue(all.stream().allMatch(Greenlet::killed));
        });
    }

    @Test
    void killAllWithATimeoutRaisesTimeoutWhenOneSurvives() {
        run(() -> {
            Greenlet<Void> stubborn = Gevent.spawn(() -> {
                try {
                    Gevent.sleep(30.0);
                } catch (GreenletExit e) {
                    Gevent.sleep(0.3);
                }
            });
            Greenlet<Void> meek = Gevent.spawn(() -> Gevent.sleep(30.0));
            Gevent.sleep(0);
            assertThrows(Timeout.class,
                    () -> Gevent.killAll(List.of(stubborn, meek), new GreenletExit(), true, Duration.ofMillis(30)));
            assertTrue(meek.isDead());
            stubborn.join();
        });
    }

    @Test
    void geventKillDoesNotBlock() {
        run(() -> {
            Greenlet<Void> g = Gevent.spawn(() -> Gevent.sleep(30.0));
            Gevent.sleep(0);
            Gevent.kill(g, new IllegalArgumentException("x"));
            assertFalse(g.isDead());
            io.gevent4j.hub.Hub.current().setErrorHandler((c, t) -> { });
            g.join();
            assertInstanceOf(IllegalArgumentException.class, g.exception());
        });
    }
}
