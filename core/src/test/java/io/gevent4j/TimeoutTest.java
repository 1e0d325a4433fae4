package io.gevent4j;

import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timeout: where it is raised, nesting, cancellation, the silent and fallback forms. */
class TimeoutTest {

    @Test
    void aTimeoutIsRaisedWhereTheGreenletWaits() {
        run(() -> {
            Timeout t = Timeout.start(Duration.ofMillis(10));
            Timeout caught = assertThrows(Timeout.class, () -> Gevent.sleep(30.0));
            assertSame(t, caught);
            assertFalse(t.pending());
            t.close();
        });
    }

    @Test
    void tryWithResourcesCancelsATimeoutThatDidNotFire() {
        run(() -> {
            Timeout outer;
            try (Timeout t = Timeout.start(Duration.ofSeconds(1))) {
                outer = t;
                assertTrue(t.pending());
                Gevent.sleep(0);
            }
            assertFalse(outer.pending());
            Gevent.sleep(1.2); // past its deadline: a Timeout that was not cancelled would raise here
        });
    }

    @Test
    void aNullDurationNeverFires() {
        run(() -> {
            try (Timeout t = Timeout.start(null)) {
                Gevent.sleep(0.03);
                assertFalse(t.pending());
            }
        });
    }

    @Test
    void zeroFiresOnTheNextLoopTurn() {
        run(() -> {
            Timeout t = Timeout.start(Duration.ZERO);
            assertTrue(t.pending(), "it does not fire inside start");
            assertSame(t, assertThrows(Timeout.class, () -> Gevent.sleep(30.0)));
        });
    }

    @Test
    void nestedTimeoutsEachRaiseTheirOwnInstance() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Timeout outer = Timeout.start(Duration.ofMillis(500));
            try {
                try (Timeout inner = Timeout.start(Duration.ofMillis(10))) {
                    Gevent.sleep(30.0);
                } catch (Timeout t) {
                    log.add(t == outer ? "outer first" : "inner");
                }
                Gevent.sleep(30.0);
            } catch (Timeout t) {
                log.add(t == outer ? "outer" : "wrong instance");
            } finally {
                outer.cancel();
            }
            assertEquals(List.of("inner", "outer"), log);
        });
    }

    @Test
    void anOuterTimeoutFiringFirstPassesThroughTheInnerBlock() {
        run(() -> {
            Timeout outer = Timeout.start(Duration.ofMillis(10));
            Timeout caught = assertThrows(Timeout.class, () -> {
                try (Timeout inner = Timeout.start(Duration.ofSeconds(30))) {
                    Gevent.sleep(30.0);
                }
            });
            assertSame(outer, caught);
        });
    }

    @Test
    void aTimeoutCanRaiseAGivenException() {
        run(() -> {
            IllegalStateException mine = new IllegalStateException("too slow");
            try (Timeout t = Timeout.start(Duration.ofMillis(5), mine)) {
                assertSame(mine, assertThrows(IllegalStateException.class, () -> Gevent.sleep(30.0)));
            }
        });
    }

    @Test
    void withTimeoutReturnsTheFallbackOnlyForItsOwnTimeout() {
        run(() -> {
            assertEquals("fallback",
                    Gevent.withTimeout(Duration.ofMillis(5), () -> {
                        Gevent.sleep(30.0);
                        return "body";
                    }, "fallback"));
            assertEquals("body", Gevent.withTimeout(Duration.ofSeconds(30), () -> "body", "fallback"));
            Timeout outer = Timeout.start(Duration.ofMillis(10));
            assertSame(outer, assertThrows(Timeout.class,
                    () -> Gevent.withTimeout(Duration.ofSeconds(30), () -> {
                        Gevent.sleep(30.0);
                        return "body";
                    }, "fallback")));
        });
    }

    @Test
    void withTimeoutWithoutFallbackThrowsAndWrapsCheckedExceptions() {
        run(() -> {
            assertThrows(Timeout.class, () -> Gevent.withTimeout(Duration.ofMillis(5), () -> {
                Gevent.sleep(30.0);
                return 1;
            }));
            Exception checked = new Exception("checked");
            CompletionException e = assertThrows(CompletionException.class,
                    () -> Gevent.withTimeout(Duration.ofSeconds(30), () -> {
                        throw checked;
                    }));
            assertSame(checked, e.getCause());
        });
    }

    @Test
    void theSilentFormTellsWhetherTheBodyFinished() {
        run(() -> {
            assertFalse(Timeout.run(Duration.ofMillis(5), () -> Gevent.sleep(30.0)));
            assertTrue(Timeout.run(Duration.ofSeconds(30), () -> Gevent.sleep(0.001)));
        });
    }

    @Test
    void catchExceptionDoesNotSwallowATimeout() {
        run(() -> {
            Timeout t = Timeout.start(Duration.ofMillis(5));
            AtomicReference<String> path = new AtomicReference<>("none");
            try {
                try {
                    Gevent.sleep(30.0);
                } catch (Exception e) {
                    path.set("swallowed");
                }
            } catch (Timeout expected) {
                path.set("timeout");
            }
            assertEquals("timeout", path.get());
            assertInstanceOf(Error.class, t);
        });
    }

    @Test
    void aTimeoutInterruptsAJdkBlockingCallInAGreenlet() {
        run(() -> {
            Greenlet<String> g = Gevent.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                    Thread.sleep(30_000);
                    return "slept";
                } catch (InterruptedException e) {
                    return "interrupted";
                }
            });
            assertEquals("interrupted", g.get());
        });
    }

    @Test
    void aTimeoutOnTheMainGreenletInterruptsItsWaitOnAGreenlet() {
        run(() -> {
            Greenlet<Void> slow = Gevent.spawn(() -> Gevent.sleep(30.0));
            try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                assertSame(t, assertThrows(Timeout.class, slow::join));
            }
            assertFalse(slow.isDead(), "the object waited on stays usable");
            slow.kill();
        });
    }

    @Test
    void aNegativeDurationIsRejected() {
        run(() -> assertThrows(IllegalArgumentException.class, () -> Timeout.start(Duration.ofMillis(-1))));
    }

    @Test
    void timeoutsOfGreenletsAreIndependent() {
        run(() -> {
            Hub.current();
            Greenlet<String> a = Gevent.spawn(() -> Gevent.withTimeout(Duration.ofMillis(5), () -> {
                Gevent.sleep(30.0);
                return "a";
            }, "a timed out"));
            Greenlet<String> b = Gevent.spawn(() -> {
                Gevent.sleep(0.03);
                return "b";
            });
            assertEquals("a timed out", a.get());
            assertEquals("b", b.get());
            assertNull(Gevent.getCurrent());
        });
    }

    @Test
    void aTimeoutStartedAgainOnAnotherHubIsArmedThere() {
        Timeout t = new Timeout(Duration.ofMillis(10));
        run(() -> {
            t.start();
            t.cancel();
        });
        run(() -> {
            Greenlet<Throwable> g = Gevent.spawn(() -> {
                t.start();
                return assertThrows(Timeout.class, () -> Gevent.sleep(30.0));
            });
            assertSame(t, g.get());
            assertFalse(t.pending());
        });
    }
}
