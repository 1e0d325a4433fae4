package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The greenlet library's low-level API: explicit switches, throw, parent. */
class RawGreenletTest {

    @Test
    void theSeedsExampleWorksAsWritten() {
        run(() -> {
            RawGreenlet main = RawGreenlet.current();
            RawGreenlet g1 = new RawGreenlet(arg -> {
                main.switchTo(10);
                return 11;
            });
            assertEquals(10, g1.switchTo(null));
            assertFalse(g1.isDead());
            assertEquals(11, g1.switchTo(null));
            assertTrue(g1.isDead());
        });
    }

    @Test
    void theFirstSwitchPassesTheArgumentAndLaterSwitchesReturnValues() {
        run(() -> {
            RawGreenlet main = RawGreenlet.current();
            RawGreenlet echo = new RawGreenlet(arg -> {
                Object got = arg;
                for (int i = 0; i < 3; i++) {
                    got = main.switchTo("echo:" + got);
                }
                return "done:" + got;
            });
            assertEquals("echo:a", echo.switchTo("a"));
            assertEquals("echo:b", echo.switchTo("b"));
            assertEquals("echo:c", echo.switchTo("c"));
            assertEquals("done:d", echo.switchTo("d"));
        });
    }

    @Test
    void aSwitchIsImmediateNoOtherReadyGreenletRunsInBetween() {
        run(() -> {
            List<String> log = new ArrayList<>();
            RawGreenlet main = RawGreenlet.current();
            Greenlet<?> bystander = Gevent.spawn(() -> log.add("bystander"));
            RawGreenlet g = new RawGreenlet(arg -> {
                log.add("g");
                main.switchTo(null);
                return null;
            });
            g.switchTo(null);
            log.add("main");
            assertEquals(List.of("g", "main"), log);
            bystander.join();
            assertEquals(List.of("g", "main", "bystander"), log);
        });
    }

    @Test
    void switchingBetweenTwoRawGreenlets() {
        run(() -> {
            RawGreenlet main = RawGreenlet.current();
            List<String> log = new ArrayList<>();
            RawGreenlet[] pair = new RawGreenlet[2];
            pair[0] = new RawGreenlet(arg -> {
                log.add("ping");
                Object back = pair[1].switchTo("to pong");
                log.add("ping got " + back);
                return "ping done";
            });
            pair[1] = new RawGreenlet(arg -> {
                log.add("pong got " + arg);
                return "from pong";
            }, pair[0]);
            assertEquals("ping done", pair[0].switchTo(null));
            assertEquals(List.of("ping", "pong got to pong", "ping got from pong"), log);
            assertTrue(pair[0].isDead() && pair[1].isDead());
            assertSame(main, pair[0].parent());
        });
    }

    @Test
    void throwIntoRaisesInTheTargetAndTheParentReceivesWhatEscapes() {
        run(() -> {
            RawGreenlet main = RawGreenlet.current();
            RawGreenlet g = new RawGreenlet(arg -> {
                try {
                    main.switchTo("waiting");
                    return "not thrown";
                } catch (IllegalStateException e) {
                    throw new IllegalArgumentException("caught " + e.getMessage());
                }
            });
            assertEquals("waiting", g.switchTo(null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.throwInto(new IllegalStateException("boom")));
            assertEquals("caught boom", e.getMessage());
            assertTrue(g.isDead());
        });
    }

    @Test
    void switchingToADeadGreenletIsAnError() {
        run(() -> {
            RawGreenlet g = new RawGreenlet(arg -> "x");
            assertEquals("x", g.switchTo(null));
            assertThrows(IllegalStateException.class, () -> g.switchTo(null));
        });
    }

    @Test
    void theMainGreenletIsNotDeadAndHasNoParent() {
        run(() -> {
            RawGreenlet main = RawGreenlet.current();
            assertTrue(main.isMain());
            assertFalse(main.isDead());
            assertNull(main.parent());
            assertSame(Hub.current().mainGreenlet(), main);
            assertSame(main, main.switchTo(main), "switching to yourself returns the value");
        });
    }

    @Test
    void sleepNeedsAPositiveDelay() {
        run(() -> {
            assertThrows(IllegalArgumentException.class, () -> RawGreenlet.sleep(0));
            assertThrows(IllegalArgumentException.class, () -> RawGreenlet.sleep(-1));
        });
    }

    @Test
    void aKilledSleepLeavesNoTimerBehind() {
        run(() -> {
            Greenlet<Void> sleeper = Gevent.spawn(() -> RawGreenlet.sleep(TimeUnit.HOURS.toNanos(1)));
            Gevent.sleep(0);
            assertFalse(sleeper.isDead());
            sleeper.kill();
            assertTrue(sleeper.killed());
            assertTrue(Gevent.waitAll(Duration.ofSeconds(30)), "the loop still holds the sleeper's timer");
        });
    }

    @Test
    void aSleepEndsOnItsTimerAfterOtherGreenletsRan() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Void> sleeper = Gevent.spawn(() -> {
                RawGreenlet.sleep(TimeUnit.MILLISECONDS.toNanos(20));
                log.add("slept");
            });
            Gevent.spawn(() -> log.add("other"));
            sleeper.join();
            assertEquals(List.of("other", "slept"), log);
        });
    }

    @Test
    void aDeadGreenletKeepsNoThreadReachable() {
        run(() -> {
            AtomicReference<WeakReference<Thread>> ran = new AtomicReference<>();
            Greenlet<Boolean> g = Gevent.spawn(() -> {
                ran.set(new WeakReference<>(Thread.currentThread()));
                return Greenlet.current().thread() == Thread.currentThread();
            });
            assertTrue(g.get(), "a running greenlet's thread is its own");
            assertNull(g.thread(), "a dead greenlet lets go of its thread");
            for (int i = 0; i < 50 && ran.get().get() != null; i++) {
                System.gc();
                Gevent.sleep(0.01);
            }
            assertNull(ran.get().get(), "the ended virtual thread is garbage while the greenlet is kept");
        });
    }
}
