package io.gevent4j.event;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.Timeout;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's AsyncResult: a one-time value or error that greenlets wait for. */
class AsyncResultTest {

    @Test
    void getReturnsTheValueSetByAnotherGreenlet() {
        FreshHub.run(() -> {
            AsyncResult<String> r = new AsyncResult<>();
            Gevent.spawn(() -> r.set("hello"));
            assertFalse(r.ready());
            assertEquals("hello", r.get());
            assertTrue(r.ready());
            assertTrue(r.successful());
            assertEquals("hello", r.value());
            assertNull(r.exception());
        });
    }

    @Test
    void getRethrowsAsGreenletGetDoes() {
        FreshHub.run(() -> {
            AsyncResult<String> r = new AsyncResult<>();
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            Gevent.spawn(() -> r.setException(boom));
            assertSame(boom, assertThrows(IllegalArgumentException.class, r::get));
            assertFalse(r.successful());
            assertSame(boom, r.exception());
            AsyncResult<String> checked = new AsyncResult<>();
            IOException io = new IOException("io");
            checked.setException(io);
            assertSame(io, assertThrows(CompletionException.class, checked::get).getCause());
        });
    }

    @Test
    void getNowOnAnUnsetResultThrowsTimeout() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            assertThrows(Timeout.class, r::getNow);
            r.set(7);
            assertEquals(7, r.getNow());
        });
    }

    @Test
    void getWithTimeoutThrowsTimeoutAwaitNever() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            assertThrows(Timeout.class, () -> r.get(Duration.ofMillis(10)));
            assertNull(r.await(Duration.ofMillis(10)));
            r.setException(new IllegalStateException("x"));
            assertNull(r.await());
            assertNull(r.await(Duration.ofMillis(10)));
        });
    }

    @Test
    void awaitReturnsTheValue() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            Gevent.spawnLater(Duration.ofMillis(5), () -> r.set(3));
            assertEquals(3, r.await());
        });
    }

    @Test
    void settingAgainReplacesTheOutcome() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            r.set(1);
            r.set(2);
            assertEquals(2, r.get());
        });
    }

    @Test
    void allWaitersWakeInOrder() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            List<Integer> seen = new ArrayList<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                gs.add(Gevent.spawn(() -> {
                    seen.add(n * 100 + r.get());
                }));
            }
            Gevent.sleep(0);
            r.set(1);
            Gevent.joinAll(gs);
            assertEquals(List.of(1, 101, 201, 301, 401), seen);
        });
    }

    @Test
    void isAGreenletLinkTarget() {
        FreshHub.run(() -> {
            AsyncResult<Integer> ok = new AsyncResult<>();
            Gevent.spawn(() -> 42).link(ok);
            assertEquals(42, ok.get());

            AsyncResult<Integer> failed = new AsyncResult<>();
            hubIgnoringErrors();
            Greenlet<Integer> g = Gevent.spawn(() -> {
                throw new IllegalStateException("bad");
            });
            g.link(failed);
            assertEquals("bad", assertThrows(IllegalStateException.class, failed::get).getMessage());

            AsyncResult<Object> killed = new AsyncResult<>();
            Greenlet<Void> k = Gevent.spawn(() -> Gevent.sleep(10));
            k.link(killed);
            Gevent.sleep(0);
            k.kill(new GreenletExit(), false, null);
            assertNull(killed.get());
            assertTrue(killed.successful());
        });
    }

    private static void hubIgnoringErrors() {
        Gevent.getHub().setErrorHandler((ctx, t) -> { });
    }

    @Test
    void aThreadPoolWorkerCompletesAResultTheMainGreenletWaitsFor() {
        FreshHub.run(() -> {
            ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
            try {
                AsyncResult<String> r = new AsyncResult<>();
                pool.schedule(() -> r.set("from worker"), 50, TimeUnit.MILLISECONDS);
                // nothing else keeps the loop alive: the result must, while a completion can come
                assertEquals("from worker", r.get());
                AsyncResult<String> e = new AsyncResult<>();
                pool.schedule(() -> e.setException(new ArithmeticException("worker")), 20, TimeUnit.MILLISECONDS);
                Greenlet<String> g = Gevent.spawn(() -> e.get());
                Gevent.getHub().setErrorHandler((ctx, t) -> { });
                g.join();
                assertTrue(g.exception() instanceof ArithmeticException);
            } finally {
                pool.shutdown();
            }
        });
    }

    @Test
    void futureViewWrapsErrorsAndWorksFromOtherThreads() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            Future<Integer> f = r.asFuture();
            assertFalse(f.isDone());
            Gevent.spawn(() -> r.set(5));
            assertEquals(5, f.get());
            assertTrue(f.isDone());

            AsyncResult<Integer> bad = new AsyncResult<>();
            Future<Integer> fb = bad.asFuture();
            bad.setException(new IllegalStateException("no"));
            assertTrue(assertThrows(ExecutionException.class, fb::get).getCause() instanceof IllegalStateException);

            AsyncResult<Integer> later = new AsyncResult<>();
            Future<Integer> fl = later.asFuture();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    assertEquals(9, fl.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Gevent.sleep(0.01);
            later.set(9);
            reader.join();
            assertTrue(assertThrows(java.util.concurrent.TimeoutException.class,
                    () -> new AsyncResult<Integer>().asFuture().get(1, TimeUnit.MILLISECONDS)) != null);
        });
    }

    @Test
    void waitingFromAnotherThreadThrowsIllegalState() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            Throwable[] thrown = {null};
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    r.get();
                } catch (Throwable x) {
                    thrown[0] = x;
                }
            });
            t.join();
            assertTrue(thrown[0] instanceof IllegalStateException, String.valueOf(thrown[0]));
        });
    }

    @Test
    void timeoutWhileWaitingLeavesItUsable() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    r.get();
                }
            });
            Gevent.spawn(() -> r.set(1));
            assertEquals(1, r.get());
        });
    }

    @Test
    void aWaiterThatTimesOutOrIsKilledNoLongerKeepsTheHubAlive() {
        FreshHub.run(() -> {
            AsyncResult<String> r = new AsyncResult<>();
            assertNull(r.await(Duration.ofMillis(5)));
            assertThrows(Timeout.class, () -> r.get(Duration.ofMillis(5)));
            Greenlet<String> killed = Gevent.spawn(() -> r.get());
            Greenlet<String> timedOut = Gevent.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    return r.get();
                }
            });
            hubIgnoringErrors();
            Gevent.sleep(0);
            killed.kill();
            timedOut.join();
            assertTrue(timedOut.exception() instanceof Timeout);
            // no waiter is left: nothing may keep the loop alive any more
            assertThrows(LoopExit.class, () -> new Event().await());
            r.set("late");
            assertEquals("late", r.get());
        });
    }

    @Test
    void aCancelledFutureViewStaysCancelledEvenIfTheResultIsSetAgain() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            Future<Integer> f = r.asFuture();
            assertTrue(f.cancel(false));
            r.set(5);
            assertTrue(f.isCancelled(), "Future: once cancel() returned true, isCancelled() stays true");
            assertTrue(f.isDone());
            assertThrows(java.util.concurrent.CancellationException.class, f::get);
            assertEquals(Future.State.CANCELLED, f.state());

            AsyncResult<Integer> done = new AsyncResult<>();
            done.set(1);
            Future<Integer> fd = done.asFuture();
            assertFalse(fd.cancel(true));
            done.set(2);
            assertEquals(1, fd.get(), "the view keeps the first outcome, as a Future completes once");
        });
    }

    @Test
    void gWaitAndIwaitOnAResultAThreadPoolWorkerCompletesKeepTheHubAliveUntilThen() {
        FreshHub.run(() -> {
            ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
            try {
                AsyncResult<String> r = new AsyncResult<>();
                pool.schedule(() -> r.set("from worker"), 50, TimeUnit.MILLISECONDS);
                assertEquals(List.of(r), Gevent.wait(List.of(r)));
                AsyncResult<String> r2 = new AsyncResult<>();
                pool.schedule(() -> r2.set("again"), 50, TimeUnit.MILLISECONDS);
                try (var it = Gevent.iwait(List.of(r2))) {
                    assertSame(r2, it.next());
                }
                // a wait that ended unlinked: nothing keeps the loop alive any more
                assertEquals(List.of(), Gevent.wait(List.of(new AsyncResult<String>()), Duration.ofMillis(5)));
                assertThrows(LoopExit.class, () -> new Event().await());
            } finally {
                pool.shutdown();
            }
        });
    }

    /** Future.get on the result's hub ends on the user's interrupt, as its contract says. */
    @Test
    void futureGetEndsOnAnInterruptArrivingWhileItWaits() {
        FreshHub.run(() -> {
            AsyncResult<String> result = new AsyncResult<>();
            Future<String> future = result.asFuture();
            AtomicReference<Thread> thread = new AtomicReference<>();
            Greenlet<String> waiter = Gevent.spawn(() -> {
                thread.set(Thread.currentThread());
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    return "interrupted, status " + Thread.currentThread().isInterrupted();
                }
            });
            Gevent.sleep(0);
            Thread interrupter = Thread.ofPlatform().start(() -> thread.get().interrupt());
            assertTrue(waiter.join(Duration.ofSeconds(20)), "the interrupt ended the wait");
            assertEquals("interrupted, status false", waiter.get());
            interrupter.join();
            assertEquals(0, result.waiters(), "the interrupted waiter left the links");
            result.set("v");
            assertEquals("v", Gevent.spawn(() -> future.get(20, TimeUnit.SECONDS)).get());
        });
    }

    @Test
    void futureGetOnAnInterruptedGreenletThrowsAtOnceUnlessDone() {
        FreshHub.run(() -> {
            AsyncResult<String> result = new AsyncResult<>();
            Future<String> future = result.asFuture();
            Greenlet<String> g = Gevent.spawn(() -> {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, () -> future.get(1, TimeUnit.HOURS));
                assertFalse(Thread.currentThread().isInterrupted(), "status cleared");
                result.set("v");
                Thread.currentThread().interrupt();
                String v = future.get();
                return v + ", status " + Thread.interrupted();
            });
            assertEquals("v, status true", g.get(), "a done future answers without looking at the interrupt");
        });
    }

    @Test
    void aKillOfAGreenletInFutureGetIsAKillNotAnInterrupt() {
        FreshHub.run(() -> {
            AsyncResult<String> result = new AsyncResult<>();
            Future<String> future = result.asFuture();
            List<String> log = new ArrayList<>();
            Greenlet<String> waiter = Gevent.spawn(() -> {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    log.add("interrupted");
                    return "interrupted";
                }
            });
            Gevent.sleep(0);
            waiter.kill();
            assertTrue(waiter.killed(), "ended by the kill: " + waiter);
            assertEquals(List.of(), log);
        });
    }
}
