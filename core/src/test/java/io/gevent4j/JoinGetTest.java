package io.gevent4j;

import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** join never throws the greenlet's error, get rethrows it; timeouts; joinAll; the Future view. */
class JoinGetTest {

    private static void quiet() {
        Hub.current().setErrorHandler((ctx, t) -> { });
    }

    @Test
    void getReturnsTheValue() {
        run(() -> {
            Greenlet<String> g = Gevent.spawn(() -> "value");
            assertEquals("value", g.get());
            assertTrue(g.successful());
            assertEquals("value", g.value());
            assertFalse(g.killed());
        });
    }

    @Test
    void joinNeverThrowsButGetRethrowsUncheckedAsItIs() {
        run(() -> {
            quiet();
            IllegalStateException boom = new IllegalStateException("boom");
            Greenlet<Void> g = Gevent.spawn(() -> {
                throw boom;
            });
            g.join();
            assertTrue(g.ready());
            assertFalse(g.successful());
            assertSame(boom, g.exception());
            assertSame(boom, assertThrows(IllegalStateException.class, g::get));
            assertSame(boom, assertThrows(IllegalStateException.class, g::getNow));
        });
    }

    @Test
    void getWrapsACheckedExceptionInCompletionException() {
        run(() -> {
            quiet();
            IOException io = new IOException("disk");
            Greenlet<Object> g = Gevent.spawn(() -> {
                throw io;
            });
            CompletionException e = assertThrows(CompletionException.class, g::get);
            assertSame(io, e.getCause());
        });
    }

    @Test
    void getWithATimeoutAndGetNowThrowTimeoutWhileRunning() {
        run(() -> {
            Greenlet<Void> g = Gevent.spawn(() -> Gevent.sleep(30.0));
            assertThrows(Timeout.class, g::getNow);
            assertThrows(Timeout.class, () -> g.get(Duration.ofMillis(10)));
            assertFalse(g.join(Duration.ofMillis(10)));
            g.kill();
            assertTrue(g.join(Duration.ofMillis(10)));
        });
    }

    @Test
    void aGreenletErrorIsReportedOnceWithItsNameAndTheHubGoesOn() {
        run(() -> {
            List<String> reports = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reports.add(ctx + ": " + t.getMessage()));
            Greenlet<Void> bad = new Greenlet<>(() -> {
                throw new IllegalArgumentException("bad input");
            });
            bad.setName("worker-7").start();
            Greenlet<String> good = Gevent.spawn(() -> {
                Gevent.sleep(0.01);
                return "still serving";
            });
            assertEquals("still serving", good.get());
            bad.join();
            assertEquals(1, reports.size());
            assertTrue(reports.get(0).contains("worker-7"), reports.get(0));
            assertTrue(reports.get(0).contains("bad input"), reports.get(0));
        });
    }

    @Test
    void joinAllReturnsGreenletsInTheOrderTheyFinished() {
        run(() -> {
            Greenlet<Void> slow = Gevent.spawn(() -> Gevent.sleep(0.5));
            Greenlet<Void> fast = Gevent.spawn(() -> Gevent.sleep(0.01));
            List<Greenlet<?>> done = Gevent.joinAll(slow, fast);
            assertEquals(List.of(fast, slow), done);
        });
    }

    @Test
    void joinAllHonoursCountAndTimeout() {
        run(() -> {
            Greenlet<Void> quick = Gevent.spawn(() -> Gevent.sleep(0.01));
            Greenlet<Void> never = Gevent.spawn(() -> Gevent.sleep(30.0));
            assertEquals(List.of(quick), Gevent.joinAll(List.of(quick, never), null, false, 1));
            assertEquals(List.of(quick), Gevent.joinAll(List.of(quick, never), Duration.ofMillis(20)));
            never.kill();
        });
    }

    @Test
    void joinAllWithRaiseErrorRethrowsTheFirstFailure() {
        run(() -> {
            quiet();
            IllegalStateException boom = new IllegalStateException("first");
            Greenlet<Void> failing = Gevent.spawn(() -> {
                Gevent.sleep(0.01);
                throw boom;
            });
            Greenlet<Void> slow = Gevent.spawn(() -> Gevent.sleep(30.0));
            assertSame(boom, assertThrows(IllegalStateException.class,
                    () -> Gevent.joinAll(List.of(failing, slow), null, true)));
            assertFalse(slow.isDead());
            slow.kill();
        });
    }

    @Test
    void theFutureViewWrapsErrorsAndWorksFromAnotherThread() throws Exception {
        run(() -> {
            quiet();
            Greenlet<Integer> ok = Gevent.spawn(() -> {
                Gevent.sleep(0.02);
                return 42;
            });
            Future<Integer> future = ok.asFuture();
            AtomicReference<Object> seen = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    seen.set(future.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    seen.set(e);
                }
            });
            ok.join();
            Gevent.sleep(0.01);
            other.join(Duration.ofSeconds(30));
            assertEquals(42, seen.get());

            IllegalStateException boom = new IllegalStateException("x");
            Greenlet<Integer> bad = Gevent.spawn(() -> {
                throw boom;
            });
            Future<Integer> badFuture = bad.asFuture();
            ExecutionException e = assertThrows(ExecutionException.class, badFuture::get);
            assertSame(boom, e.getCause());

            Greenlet<Integer> slow = Gevent.spawn(() -> {
                Gevent.sleep(30.0);
                return 1;
            });
            Future<Integer> slowFuture = slow.asFuture();
            assertThrows(TimeoutException.class, () -> slowFuture.get(10, TimeUnit.MILLISECONDS));
            assertTrue(slowFuture.cancel(true));
            slow.join();
            assertTrue(slow.killed());
            assertTrue(slowFuture.isCancelled());
        });
    }

    @Test
    void aKilledGreenletHasANullValueAndNoException() {
        run(() -> {
            Greenlet<String> g = Gevent.spawn(() -> {
                Gevent.sleep(30.0);
                return "never";
            });
            Gevent.sleep(0);
            g.kill();
            assertNull(g.get());
            assertNull(g.exception());
            assertInstanceOf(Greenlet.class, g);
        });
    }
}
