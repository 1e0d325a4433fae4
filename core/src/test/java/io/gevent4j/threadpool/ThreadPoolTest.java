package io.gevent4j.threadpool;

import io.gevent4j.AbstractResult;
import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ThreadPoolTest {

    @Test
    void applyRunsOnAPlatformThreadAndTheMainGreenletWaitsWithoutLoopExit() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(2);
            Thread hubThread = Thread.currentThread();
            Thread ran = pool.apply(() -> {
                Thread.sleep(100); // a real block: only this worker thread sleeps
                return Thread.currentThread();
            });
            assertNotSame(hubThread, ran);
            assertFalse(ran.isVirtual());
            pool.kill();
        });
    }

    @Test
    void unwrapThrowsATasksCheckedExceptionOfTheGivenTypeAsItIs() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            IOException io = new java.io.FileNotFoundException("missing");
            CompletionException wrapped = assertThrows(CompletionException.class, () -> pool.apply(() -> {
                throw io;
            }));
            assertSame(io, assertThrows(IOException.class, () -> {
                throw AbstractResult.unwrap(wrapped, IOException.class);
            }), "a subclass of the type is thrown as it is");
            CompletionException other = assertThrows(CompletionException.class, () -> pool.apply(() -> {
                throw new java.util.concurrent.TimeoutException("late");
            }));
            assertSame(other, assertThrows(CompletionException.class, () -> {
                throw AbstractResult.unwrap(other, IOException.class);
            }), "another checked type stays wrapped");
            pool.kill();
        });
    }

    @Test
    void otherGreenletsRunWhileAGreenletWaitsForAResult() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(4);
            CountDownLatch release = new CountDownLatch(1);
            Greenlet<String> waiter = Gevent.spawn(() -> pool.apply(() -> {
                assertTrue(release.await(20, TimeUnit.SECONDS));
                return "done";
            }));
            AtomicInteger ticks = new AtomicInteger();
            Greenlet<Void> ticker = Gevent.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    ticks.incrementAndGet();
                    Gevent.sleep(0.01);
                }
                release.countDown();
            });
            assertEquals("done", waiter.get());
            ticker.join();
            assertEquals(5, ticks.get(), "the ticker ran while the worker blocked");
            pool.kill();
        });
    }

    @Test
    void manyBlockingTasksOverlapUpToMaxSize() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(10);
            long start = System.nanoTime();
            List<ThreadResult<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.spawn(() -> {
                    Thread.sleep(200);
                    return n;
                }));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(i, results.get(i).get());
            }
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(ms < 3000, "20 x 200 ms on 10 threads took " + ms + " ms (serial: 4000)");
            assertTrue(pool.size() <= 10, "size " + pool.size());
            pool.kill();
        });
    }

    @Test
    void spawnWaitsForAFreeSlot() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            CountDownLatch release = new CountDownLatch(1);
            ThreadResult<Void> first = pool.spawn(() -> {
                release.await();
                return null;
            });
            List<String> order = new ArrayList<>();
            Greenlet<Void> second = Gevent.spawn(() -> {
                order.add("spawning");
                pool.spawn(() -> null).get();
                order.add("second done");
            });
            Gevent.sleep(0.05);
            assertEquals(List.of("spawning"), order, "the second spawn waits while the slot is taken");
            assertEquals(1, pool.taskCount());
            release.countDown();
            first.get();
            second.join();
            assertEquals(List.of("spawning", "second done"), order);
            pool.kill();
        });
    }

    @Test
    void errorsAreRethrownByGetAndWrappedByTheFuture() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(2);
            ThreadResult<Object> bad = pool.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, bad::get);
            assertEquals("boom", e.getMessage());
            assertFalse(bad.successful());
            CompletionException c = assertThrows(CompletionException.class,
                    () -> pool.apply(() -> { throw new IOException("io"); }));
            assertInstanceOf(IOException.class, c.getCause());
            Future<Object> f = pool.submit(() -> { throw new IOException("f"); });
            ExecutionException x = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(IOException.class, x.getCause());
            assertTrue(f.isDone());
            pool.kill();
        });
    }

    @Test
    void timeoutEndsTheWaitButTheResultStillArrives() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            ThreadResult<String> r = pool.spawn(() -> {
                Thread.sleep(300);
                return "late";
            });
            assertThrows(Timeout.class, () -> r.get(Duration.ofMillis(20)));
            Timeout t = Timeout.start(Duration.ofMillis(20));
            try {
                assertThrows(Timeout.class, r::get);
            } finally {
                t.cancel();
            }
            assertEquals("late", r.get());
            assertTrue(pool.join(Duration.ofSeconds(10)));
            pool.kill();
        });
    }

    @Test
    void killedGreenletStopsWaiting() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            CountDownLatch release = new CountDownLatch(1);
            Greenlet<Object> g = Gevent.spawn(() -> pool.apply(() -> {
                release.await();
                return "x";
            }));
            Gevent.sleep(0.02);
            g.kill();
            assertTrue(g.killed());
            release.countDown();
            assertTrue(pool.join(Duration.ofSeconds(10)));
            assertEquals(0, pool.taskCount());
            pool.kill();
        });
    }

    @Test
    void cancelBeforeStartAndInterruptWhileRunning() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            ThreadResult<String> running = pool.spawn(() -> {
                started.countDown();
                try {
                    Thread.sleep(20_000);
                    return "slept";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    return "interrupted";
                }
            });
            pool.setMaxSize(2); // a second slot, but one thread still busy
            assertTrue(pool.apply(() -> started.await(10, TimeUnit.SECONDS)));
            assertTrue(running.cancel(true), "a running task is cancelled, as FutureTask's");
            assertTrue(running.asFuture().isDone() && running.asFuture().isCancelled(), "done at once: Future's contract");
            assertThrows(CancellationException.class, running::get);
            assertFalse(running.cancel(true), "cancelled once");
            assertTrue(pool.apply(() -> interrupted.await(10, TimeUnit.SECONDS)), "its thread was interrupted");
            assertTrue(pool.join(Duration.ofSeconds(10)));
            pool.setMaxSize(1);
            CountDownLatch block = new CountDownLatch(1);
            ThreadResult<Object> busy = pool.spawn(() -> { block.await(); return null; });
            pool.setMaxSize(2);
            ThreadResult<String> queued = pool.spawn(() -> "never");
            boolean cancelled = queued.cancel(false);
            if (cancelled) { // a worker may have taken it first: both outcomes are legal, nothing else
                assertThrows(CancellationException.class, queued::get);
                assertTrue(queued.asFuture().isCancelled());
            } else {
                assertEquals("never", queued.get());
            }
            block.countDown();
            busy.get();
            pool.kill();
        });
    }

    @Test
    void killCancelsQueuedTasksAndRejectsNewOnes() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            CountDownLatch block = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            ThreadResult<String> busy = pool.spawn(() -> { running.countDown(); block.await(); return "finished"; });
            assertTrue(running.await(10, TimeUnit.SECONDS), "the first task started");
            pool.setMaxSize(3);
            ThreadResult<String> q1 = pool.spawn(() -> "q1");
            ThreadResult<String> q2 = pool.spawn(() -> "q2");
            List<?> cancelled = pool.kill();
            assertThrows(RejectedExecutionException.class, () -> pool.spawn(() -> "late"));
            block.countDown();
            assertEquals("finished", busy.get(), "a running task's result is still delivered");
            for (ThreadResult<String> q : List.of(q1, q2)) {
                q.await(Duration.ofSeconds(10));
                assertTrue(q.ready());
                if (!q.successful()) {
                    assertInstanceOf(CancellationException.class, q.exception());
                }
            }
            assertTrue(cancelled.size() <= 2);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pool.size() > 0 && System.nanoTime() < deadline) {
                Gevent.sleep(0.01);
            }
            assertEquals(0, pool.size(), "every worker thread exited");
        });
    }

    @Test
    void shrinkingRetiresThreads() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(4);
            List<ThreadResult<Void>> rs = new ArrayList<>();
            CountDownLatch all = new CountDownLatch(4);
            for (int i = 0; i < 4; i++) {
                rs.add(pool.spawn(() -> {
                    all.countDown();
                    all.await(10, TimeUnit.SECONDS);
                    return null;
                }));
            }
            for (ThreadResult<Void> r : rs) {
                r.get();
            }
            assertEquals(4, pool.size());
            pool.setMaxSize(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pool.size() > 1 && System.nanoTime() < deadline) {
                Gevent.sleep(0.01);
            }
            assertEquals(1, pool.size());
            assertEquals("ok", pool.apply(() -> "ok"));
            pool.kill();
        });
    }

    @Test
    void idleThreadsExitAndNewTasksStartNewOnes() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(Hub.current(), 3, Duration.ofMillis(200));
            CountDownLatch all = new CountDownLatch(3);
            List<ThreadResult<Boolean>> rs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rs.add(pool.spawn(() -> {
                    all.countDown();
                    return all.await(10, TimeUnit.SECONDS);
                }));
            }
            for (ThreadResult<Boolean> r : rs) {
                assertTrue(r.get());
            }
            assertEquals(3, pool.size());
            for (int i = 0; i < 1000 && pool.size() > 0; i++) {
                Gevent.sleep(0.01);
            }
            assertEquals(0, pool.size(), "idle threads exited");
            for (int i = 0; i < 20; i++) { // tasks racing with threads timing out are never stranded
                int k = i;
                assertEquals(k, pool.apply(() -> k));
                Gevent.sleep(0.19 + (i % 3) * 0.01);
            }
            assertThrows(IllegalArgumentException.class, () -> new ThreadPool(Hub.current(), 1, Duration.ZERO));
            pool.kill();
        });
    }

    @Test
    void applyFromAWorkerRunsInline() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            assertEquals("inner", pool.apply(() -> pool.apply(() -> "inner")));
            pool.kill();
        });
    }

    @Test
    void executorServiceView() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(3);
            ExecutorService ex = pool.asExecutorService();
            List<Future<Integer>> fs = ex.invokeAll(List.of(() -> 1, () -> 2, () -> 3));
            int sum = 0;
            for (Future<Integer> f : fs) {
                sum += f.get();
            }
            assertEquals(6, sum);
            assertEquals("fast", ex.invokeAny(List.of(() -> {
                Thread.sleep(2000);
                return "slow";
            }, () -> "fast")));
            assertThrows(ExecutionException.class, () -> ex.invokeAny(List.of(() -> {
                throw new IOException("x");
            })));
            AtomicInteger ran = new AtomicInteger();
            ex.execute(ran::incrementAndGet);
            ex.shutdown();
            assertTrue(ex.isShutdown());
            assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> 1));
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
            assertTrue(ex.isTerminated());
            assertEquals(1, ran.get());
        });
    }

    @Test
    void invokeAllWithATimeoutReturnsOnlyDoneFutures() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(2);
            ExecutorService ex = pool.asExecutorService();
            List<Future<String>> fs = ex.invokeAll(List.of(() -> "quick", () -> {
                Thread.sleep(20_000);
                return "slow";
            }), 300, TimeUnit.MILLISECONDS);
            assertEquals("quick", fs.get(0).get());
            assertTrue(fs.get(1).isDone(), "invokeAll's contract: every returned future is done");
            assertTrue(fs.get(1).isCancelled());
            assertThrows(CancellationException.class, () -> fs.get(1).get());
            assertTrue(pool.join(Duration.ofSeconds(10)), "the slow task's thread was interrupted");
            pool.kill();
        });
    }

    @Test
    void aKilledInvokeAllCancelsItsTasks() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(2);
            ExecutorService ex = pool.asExecutorService();
            CountDownLatch started = new CountDownLatch(1);
            Greenlet<List<Future<String>>> g = Gevent.spawn(() -> ex.invokeAll(List.of(() -> {
                started.countDown();
                Thread.sleep(20_000);
                return "slow";
            })));
            assertTrue(pool.apply(() -> started.await(10, TimeUnit.SECONDS)));
            g.kill();
            assertTrue(pool.join(Duration.ofSeconds(10)), "the task of the killed invokeAll was cancelled and interrupted");
            pool.kill();
        });
    }

    @Test
    void awaitTerminationWaitsForAShutdownStillToCome() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            ExecutorService ex = pool.asExecutorService();
            Gevent.spawn(() -> {
                Gevent.sleep(0.2);
                ex.shutdown();
            });
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS), "an idle pool terminates once shut down");
            assertTrue(ex.isTerminated());
        });
    }

    @Test
    void shutdownRejectsTheGreenletsWaitingForASlotAtOnce() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            ExecutorService ex = pool.asExecutorService();
            CountDownLatch block = new CountDownLatch(1);
            Future<Boolean> busy = ex.submit(() -> block.await(20, TimeUnit.SECONDS));
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            Greenlet<Future<String>> waiting = Gevent.spawn(() -> ex.submit(() -> "late"));
            Gevent.sleep(0.05);
            assertFalse(waiting.ready(), "it waits for a slot");
            ex.shutdown();
            waiting.join(Duration.ofSeconds(1));
            assertTrue(waiting.ready(), "shutdown woke it while the busy task still runs");
            assertInstanceOf(RejectedExecutionException.class, waiting.exception());
            block.countDown();
            assertTrue(busy.get());
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
        });
    }

    @Test
    void theForeverTimeoutIdiomDoesNotOverflow() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(2);
            ExecutorService ex = pool.asExecutorService();
            assertEquals("f", ex.submit(() -> "f").get(Long.MAX_VALUE, TimeUnit.DAYS));
            assertEquals("a", ex.invokeAny(List.of(() -> "a"), Long.MAX_VALUE, TimeUnit.DAYS));
            assertEquals("b", ex.invokeAll(List.of(() -> "b"), Long.MAX_VALUE, TimeUnit.DAYS).getFirst().get());
            Gevent.spawn(ex::shutdown);
            assertTrue(ex.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS));
        });
    }

    @Test
    void shutdownNowInterruptsRunningTasks() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            ExecutorService ex = pool.asExecutorService();
            CountDownLatch started = new CountDownLatch(1);
            Future<String> f = ex.submit(() -> {
                started.countDown();
                Thread.sleep(20_000);
                return "slept";
            });
            for (int i = 0; i < 1000 && started.getCount() > 0; i++) {
                Gevent.sleep(0.01);
            }
            assertEquals(List.of(), ex.shutdownNow());
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS), "the running task was interrupted");
            assertThrows(ExecutionException.class, f::get);
        });
    }

    @Test
    void hubThreadpoolIsLazyPerHubAndKilledWithTheHub() {
        ThreadPool pool = FreshHub.call(() -> {
            Hub hub = Hub.current();
            ThreadPool p = ThreadPool.of(hub);
            assertSame(p, ThreadPool.of(hub));
            assertEquals(ThreadPool.DEFAULT_SIZE, p.maxSize());
            assertEquals(42, p.apply(() -> 42));
            return p;
        });
        assertTrue(pool.isKilled());
    }

    @Test
    void otherThreadsCannotUseThePool() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(1);
            Thread t = new Thread(() -> assertThrows(IllegalStateException.class, () -> pool.spawn(() -> 1)));
            t.start();
            t.join();
            assertThrows(IllegalArgumentException.class, () -> new ThreadPool(-1));
            pool.kill();
        });
    }
}
