package io.gevent4j;

import io.gevent4j.event.AsyncResult;
import io.gevent4j.event.Event;
import io.gevent4j.lock.BoundedSemaphore;
import io.gevent4j.lock.Semaphore;
import io.gevent4j.pool.Group;
import io.gevent4j.pool.Pool;
import io.gevent4j.queue.Channel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gevent's coordination tests (test__iwait.py, test__semaphore.py, test__greenletset.py,
 * test__hub_join_timeout.py, test__pool.py, test__queue.py, event.py's AsyncResult), ported
 * onto gevent4j's names: each test is named after the gevent test it ports.
 */
class CoordinationFidelityTest {

    /** test__iwait.py Testiwait.test_noiter: iwait over semaphores yields the one released. */
    @Test
    void test_noiter() {
        FreshHub.run(() -> {
            Semaphore sem1 = new Semaphore(0);
            Semaphore sem2 = new Semaphore(0);
            Gevent.spawn(sem1::release);
            try (Waiting<Semaphore> it = Gevent.iwait(List.of(sem1, sem2))) {
                assertSame(sem1, it.next());
            }
            assertEquals(1, sem1.counter(), "iwait does not take the permit");
            assertEquals(0, sem2.waiters(), "closing the iteration unlinks it");
        });
    }

    /** test__iwait.py Testiwait.test_iwait_partial: a partly consumed iwait with a timeout. */
    @Test
    void test_iwait_partial() {
        FreshHub.run(() -> {
            Semaphore sem = new Semaphore(0);
            Greenlet<Integer> let = Gevent.spawn(sem::release);
            try (Waiting<Semaphore> it = Gevent.iwait(List.of(sem), Duration.ofSeconds(30))) {
                assertSame(sem, it.next());
            }
            assertEquals(1, let.get(), "release() returns the counter, as gevent's");
        });
    }

    /** test__semaphore.py test_rawlink_on_unacquired_runs_notifiers: wait([sem]) on a free semaphore returns at once. */
    @Test
    void test_rawlink_on_unacquired_runs_notifiers() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore();
            assertEquals(List.of(s), Gevent.wait(List.of(s)));
            assertEquals(1, s.counter());
        });
    }

    /** test__semaphore.py test_release_twice: each release runs the raw links registered before it. */
    @Test
    void test_release_twice() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore();
            List<String> result = new ArrayList<>();
            s.acquire();
            s.rawLink(() -> result.add("a"));
            assertEquals(1, s.release());
            s.acquire();
            s.rawLink(() -> result.add("b"));
            assertEquals(1, s.release());
            Gevent.sleep(0.001);
            assertEquals(List.of("a", "b"), result.stream().sorted().toList());
            assertThrows(IllegalStateException.class, new BoundedSemaphore(1)::release);
        });
    }

    /** gevent's Semaphore.wait(timeout): wait until a permit is free without taking it. */
    @Test
    void test_semaphore_wait_does_not_acquire() {
        FreshHub.run(() -> {
            Semaphore s = new Semaphore(0);
            assertFalse(s.await(Duration.ofMillis(5)), "no permit: await returns false on expiry");
            Gevent.spawnLater(Duration.ofMillis(5), s::release);
            assertTrue(s.await(null));
            assertEquals(1, s.counter(), "await never takes the permit");
            assertTrue(s.tryAcquire());
        });
    }

    /** test__greenletset.py Test.test_kill_fires_once: a group never raises into a dying member twice. */
    @Test
    void test_kill_fires_once() {
        FreshHub.run(() -> {
            Undead u1 = new Undead();
            Undead u2 = new Undead();
            Greenlet<Void> p1 = Gevent.spawn(u1);
            Greenlet<Void> p2 = Gevent.spawn(u2);
            Gevent.sleep(0.01);
            Group s = new Group();
            s.add(p1);
            s.add(p2);
            assertEquals(2, s.size());
            s.killOne(p1, new GreenletExit(), false, null);
            assertEquals(0, u1.shots.get(), "not delivered before p1 runs");
            Gevent.sleep(0);
            assertEquals(1, u1.shots.get());
            s.killOne(p1);
            s.killOne(p1);
            assertEquals(1, u1.shots.get(), "a blocking killOne of a dying member returns at once");
            s.kill(new GreenletExit(), false, null);
            s.kill(new GreenletExit(), false, null);
            s.kill(new GreenletExit(), false, null);
            Gevent.sleep(0.01);
            assertEquals(1, u1.shots.get());
            assertEquals(1, u2.shots.get());
            s.kill(new GreenletExit(), true, Duration.ofMillis(10));
            assertEquals(2, s.size(), "the undead survive; the bounded blocking kill returns");
            assertEquals(1, u2.shots.get());
            p1.kill(new SpecialError(), true, null);
            p2.kill(new SpecialError(), true, null);
            assertEquals(0, s.size());
        });
    }

    /** test__greenletset.py Test.test_waitall, with raise_error: join rethrows a member's error. */
    @Test
    void test_waitall() {
        FreshHub.run(() -> {
            Group s = new Group();
            s.spawn(() -> Gevent.sleep(0.005));
            s.spawn(() -> Gevent.sleep(0.01));
            assertTrue(s.join(null, true));
            assertEquals(0, s.size());
            s.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            s.spawn(() -> Gevent.sleep(0.005));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.join(null, true));
            assertEquals("boom", e.getMessage());
            assertEquals(0, s.size(), "it waited for every member first");
        });
    }

    /** test__hub_join_timeout.py Test.test_callback: wait() returns true as soon as the loop is empty. */
    @Test
    void test_callback() {
        Greenlet<?>[] x = new Greenlet<?>[1];
        long start = System.nanoTime();
        boolean result = FreshHub.call(() -> {
            x[0] = Gevent.spawn(() -> 5);
            return Gevent.waitAll(Duration.ofSeconds(60));
        });
        assertTrue(result, "the loop ran out of work");
        assertTrue(FreshHub.secondsSince(start) < 30, "it did not wait for the timeout");
        assertTrue(x[0].isDead());
        assertEquals(5, x[0].value());
    }

    /** test__hub_join_timeout.py Test.test_timeout: with a greenlet still to run, wait() returns false at the timeout. */
    @Test
    void test_timeout() {
        FreshHub.run(() -> {
            Greenlet<Integer> x = Gevent.spawnLater(Duration.ofSeconds(60), () -> 5);
            assertFalse(Gevent.waitAll(Duration.ofMillis(20)));
            assertFalse(x.isDead());
            x.kill();
            assertTrue(Gevent.waitAll(Duration.ofSeconds(60)));
        });
    }

    /** test__pool.py TestPool.test_async_callback: applyAsync's callback gets the value. */
    @Test
    void test_async_callback() {
        FreshHub.run(() -> {
            Pool pool = new Pool(2);
            List<Integer> result = new ArrayList<>();
            AsyncResult<Integer> res = pool.applyAsync(() -> {
                Gevent.sleep(0.005);
                return 49;
            }, result::add);
            assertEquals(49, res.get());
            Gevent.sleep(0);
            assertEquals(List.of(49), result);
            assertEquals(9, pool.applyCallback(() -> 9, result::add));
            assertEquals(List.of(49, 9), result);
        });
    }

    /** test__pool.py TestPool.test_terminate: map_async returns at once; killing the pool ends the work. */
    @Test
    void test_terminate() {
        FreshHub.run(() -> {
            Pool pool = new Pool(3);
            Event gate = new Event();
            List<List<Integer>> calledBack = new ArrayList<>();
            Greenlet<List<Integer>> result = pool.mapAsync((Integer n) -> {
                gate.await();
                return n;
            }, List.of(1, 2, 3, 4, 5, 6), calledBack::add);
            assertFalse(result.isDead(), "map_async returns at once");
            Gevent.sleep(0.01);
            assertEquals(3, pool.size());
            pool.kill();
            gate.set();
            List<Integer> killedFirst = java.util.Arrays.asList(null, null, null, 4, 5, 6);
            assertEquals(killedFirst, result.get(), "killed members give null, as gevent's None; the rest ran");
            Greenlet<List<Integer>> squares = pool.mapAsync((Integer n) -> n * n, List.of(1, 2, 3), calledBack::add);
            assertEquals(List.of(1, 4, 9), squares.get());
            Gevent.sleep(0);
            assertEquals(List.of(killedFirst, List.of(1, 4, 9)), calledBack);
        });
    }

    /** test__queue.py TestChannel.test_iterable: iteration takes what is sent until the end marker. */
    @Test
    void test_iterable() {
        FreshHub.run(() -> {
            Channel<String> channel = new Channel<>();
            Gevent.spawn(() -> {
                channel.put("a");
                channel.put("b");
                channel.put("STOP");
            });
            List<String> r = new ArrayList<>();
            channel.consume("STOP").forEach(r::add);
            assertEquals(List.of("a", "b"), r);
            assertFalse(channel.iterator().hasNext(), "iterator() keeps SynchronousQueue's contract");
        });
    }

    /** gevent's event.py AsyncResult: value and exception are apart; a value set wins for get(). */
    @Test
    void test_set_then_set_exception_keeps_the_value() {
        FreshHub.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            r.set(1);
            IllegalStateException late = new IllegalStateException("late");
            r.setException(late);
            assertEquals(1, r.get(), "gevent's get() returns the value once one was set");
            assertTrue(r.successful());
            assertSame(late, r.exception());

            AsyncResult<Integer> e = new AsyncResult<>();
            e.setException(new java.io.IOException("io"));
            assertFalse(e.successful());
            CompletionException wrapped = assertThrows(CompletionException.class, e::get);
            assertEquals("io", wrapped.getCause().getMessage());
            e.set(2);
            assertEquals(2, e.get());
        });
    }

    private static final class SpecialError extends RuntimeException {
    }

    /** test__greenletset.py's Undead: survives every kill but a SpecialError, counting the shots. */
    private static final class Undead implements Runnable {
        final AtomicInteger shots = new AtomicInteger();

        @Override
        public void run() {
            while (true) {
                try {
                    Gevent.sleep(1);
                } catch (SpecialError e) {
                    return;
                } catch (GreenletExit e) {
                    shots.incrementAndGet();
                }
            }
        }
    }
}
