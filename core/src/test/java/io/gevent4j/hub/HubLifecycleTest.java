package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.Event;
import io.gevent4j.threadpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's life as one state, closing that ends parked greenlets, and per-hub services. */
class HubLifecycleTest {

    @Test
    void theStateGoesFromNewThroughRunningToClosed() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            assertEquals(Hub.State.NEW, hub.state());
            Gevent.sleep(0);
            assertEquals(Hub.State.RUNNING, hub.state());
            hub.close();
            assertEquals(Hub.State.CLOSED, hub.state());
            assertTrue(hub.isClosed());
            assertTrue(hub.loop().isClosed());
            assertThrows(IllegalStateException.class, () -> hub.service(AutoCloseable.class, h -> () -> { }));
            assertNotSame(hub, Hub.current(), "the thread that closed its hub gets a new one on its next use");
        });
    }

    @Test
    void closeEndsTheGreenletsStillParkedWithGreenletExitAndTheirFinallyBlocksRun() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            Event never = new Event();
            List<String> log = new ArrayList<>();
            Greenlet<Void> parked = Gevent.spawn(() -> {
                try {
                    never.await();
                } finally {
                    log.add("finally");
                }
            });
            Greenlet<Boolean> notStarted = Gevent.spawn(() -> log.add("ran"));
            AtomicReference<Throwable> raw = new AtomicReference<>();
            RawGreenlet rawParked = new RawGreenlet(arg -> {
                try {
                    new Waiter<>().get();
                } catch (Throwable t) {
                    raw.set(t);
                }
                return null;
            });
            Gevent.spawn(() -> rawParked.switchTo(null));
            notStarted.kill();
            Gevent.sleep(0);
            Gevent.sleep(0);
            notStarted = Gevent.spawn(() -> log.add("ran"));
            hub.close();
            assertTrue(parked.killed(), "a parked greenlet is killed with GreenletExit: " + parked);
            assertEquals(List.of("finally"), log, "its finally ran; the greenlet that never ran never runs");
            assertTrue(notStarted.killed(), "a greenlet that never ran is killed before it runs");
            assertTrue(raw.get() instanceof CancellationException, "a raw greenlet gets a CancellationException: " + raw);
            assertEquals(0, hub.greenletCount());
        });
    }

    @Test
    void aTaskWhoseStartIsStillQueuedWhenCloseGivesUpIsNotLost() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            AtomicBoolean queuedStart = new AtomicBoolean();
            RawGreenlet stubborn = new RawGreenlet(arg -> {
                try {
                    new Waiter<>().get();
                } catch (CancellationException closing) {
                    // outlives the close's bound without switching, then queues a task's start
                    // behind it: the close's last pass no longer reaches that start
                    long end = System.nanoTime() + Hub.CLOSE_BOUND.toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
                    while (System.nanoTime() - end < 0) {
                        Thread.onSpinWait();
                    }
                    Thread.currentThread().setContextClassLoader(ClassLoader.getSystemClassLoader());
                    TaskGreenlet task = new TaskGreenlet(hub, () -> outcome.complete("ran"),
                            notRun -> outcome.complete("handed on"));
                    task.start();
                    queuedStart.set(task.thread() == null);
                }
                return null;
            });
            Gevent.spawn(() -> stubborn.switchTo(null));
            Gevent.sleep(0);
            Gevent.sleep(0);
            hub.close();
            assertTrue(queuedStart.get(), "the task's start was queued, its thread not made yet");
            String how = outcome.get(FreshHub.LIMIT.toSeconds() / 2, TimeUnit.SECONDS);
            assertTrue(how.equals("ran") || how.equals("handed on"), how);
        });
    }

    @Test
    void closingAHubWhoseLoopNeverRanStillEndsItsGreenlets() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            List<String> log = new ArrayList<>();
            Greenlet<Boolean> queued = Gevent.spawn(() -> log.add("ran"));
            assertEquals(Hub.State.NEW, hub.state());
            hub.close();
            assertTrue(queued.killed());
            assertEquals(List.of(), log);
            assertEquals(0, hub.greenletCount(), "its thread ran once, to exit");
        });
    }

    @Test
    void closeEndsAGreenletWhoseDelayedStartIsStillAheadAndItsLinksFire() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            List<String> log = new ArrayList<>();
            Greenlet<Boolean> later = Gevent.spawnLater(java.time.Duration.ofHours(1), () -> log.add("ran"));
            later.link(g -> log.add("link"));
            Gevent.sleep(0);
            hub.close();
            assertTrue(later.isDead(), "a greenlet the closed hub can never start is dead");
            assertTrue(later.killed());
            assertEquals(List.of("link"), log, "it never ran, and its links fired");
        });
    }

    @Test
    void aHubClosedByOneOfItsGreenletsIsNotSilentlyReplacedOnItsThread() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            Gevent.spawn(hub::close);
            assertThrows(IllegalStateException.class, () -> Gevent.sleep(0.01),
                    "the main greenlet's wait ends with an error once its hub is closed");
            assertTrue(hub.isClosed());
            IllegalStateException e = assertThrows(IllegalStateException.class, Hub::current);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            hub.close();
            assertNotSame(hub, Hub.current(), "closing it on its own thread lets a new hub come");
        });
    }

    @Test
    void aHubClosedByALoopCallbackRunsNothingElseOfThatIteration() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            List<Throwable> errors = new ArrayList<>();
            hub.setErrorHandler((where, error) -> errors.add(error));
            List<String> log = new ArrayList<>();
            hub.loop().runCallback(hub::close);
            hub.loop().runCallback(() -> log.add("after close"));
            assertThrows(IllegalStateException.class, () -> Gevent.sleep(0.01),
                    "the main greenlet's wait ends with an error once its hub is closed");
            assertTrue(hub.isClosed());
            assertEquals(List.of(), errors, "nothing of the closed loop's iteration ran or failed");
            assertEquals(List.of(), log);
        });
    }

    @Test
    void servicesAreCreatedOnceAndClosedWithTheHubInReverseOrder() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            List<String> closed = new ArrayList<>();
            int[] created = {0};
            First first = hub.service(First.class, h -> {
                created[0]++;
                return new First(closed);
            });
            assertSame(first, hub.service(First.class, h -> new First(closed)));
            hub.service(Second.class, h -> new Second(closed));
            ThreadPool pool = ThreadPool.of(hub);
            assertSame(pool, ThreadPool.of(hub));
            assertEquals(1, created[0]);
            hub.close();
            assertEquals(List.of("second", "first"), closed);
            assertTrue(pool.isKilled(), "the hub's thread pool is a service: closed with the hub");
            assertFalse(closed.isEmpty());
        });
    }

    private record First(List<String> log) implements AutoCloseable {
        @Override
        public void close() {
            log.add("first");
        }
    }

    private record Second(List<String> log) implements AutoCloseable {
        @Override
        public void close() {
            log.add("second");
        }
    }

    /**
     * Work another thread hands a hub after it closed through the loop's own entries is
     * dropped, not left in the loop's inbox for good (a leak per call: Semaphore and
     * AsyncResult wake-ups, AsyncWatcher sends, ThreadPool completions take that path).
     */
    @Test
    void callbacksHandedToTheLoopAfterTheHubClosedAreNotKept() throws Exception {
        AtomicReference<Hub> closed = new AtomicReference<>();
        AtomicReference<AsyncWatcher> async = new AtomicReference<>();
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            async.set(hub.loop().async());
            closed.set(hub);
            hub.close();
        });
        Hub hub = closed.get();
        AtomicBoolean ran = new AtomicBoolean();
        Thread other = Thread.ofPlatform().start(() -> {
            hub.loop().runCallbackThreadsafe(() -> ran.set(true));
            async.get().send();
        });
        other.join();
        assertFalse(hub.loop().alive(), "the closed loop keeps nothing queued");
        assertFalse(ran.get());
    }

    /**
     * A loop callback another thread queued and the hub had not run when it closed is
     * dropped, as runThreadsafe says; it used to run on the closed hubs' thread, where it
     * failed its thread check. A virtual thread of the hub released after the close still
     * runs (there): it comes after the callback in that thread's queue, so once it ran the
     * callback would have too.
     */
    @Test
    void aCallbackTheHubHadNotRunWhenItClosedIsDroppedWhileContinuationsStillRun() {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> continued = new CompletableFuture<>();
        CompletableFuture<String> callbackRanOn = new CompletableFuture<>();
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            Thread parked = Gevent.spawn(() -> Thread.ofVirtual().start(() -> {
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        // not ours to end: the test releases it
                    }
                }
                continued.complete(Thread.currentThread().toString());
            })).get();
            for (int i = 0; i < 60_000 && parked.getState() != Thread.State.TIMED_WAITING; i++) {
                Gevent.sleep(0.001);
            }
            assertEquals(Thread.State.TIMED_WAITING, parked.getState(), "the hub's virtual thread waits in a JDK call");
            Thread other = Thread.ofPlatform().start(
                    () -> hub.runThreadsafe(() -> callbackRanOn.complete(Thread.currentThread().getName())));
            other.join();
            hub.close();
        });
        release.countDown();
        assertTrue(continued.join().contains("gevent4j-closed-hubs"), "the continuation ran on the closed hubs' thread");
        assertFalse(callbackRanOn.isDone(), "the callback was dropped, not run on " + callbackRanOn.getNow(null));
    }
}
