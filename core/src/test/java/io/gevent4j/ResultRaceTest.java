package io.gevent4j;

import io.gevent4j.event.AsyncResult;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The result layer ({@link AbstractResult}) under completions and cancellations that come
 * from several threads at once: each is applied whole, one cancellation is decided once for
 * every {@code Future} view, and a cancel that lost to a completion says so.
 */
class ResultRaceTest {

    /** Rounds of each race; each round lines both threads up first, so their calls overlap. */
    private static final int ROUNDS = 5_000;
    /** A bound on each race, however loaded the machine: the rounds not reached are skipped. */
    private static final Duration RACE_LIMIT = Duration.ofSeconds(20);

    @Test
    void cancellingOneFutureViewOfAGreenletShowsInEveryViewAndHappensOnce() {
        FreshHub.run(() -> {
            Greenlet<Integer> g = Gevent.spawn(() -> {
                Gevent.sleep(10);
                return 1;
            });
            Gevent.sleep(0);
            Future<Integer> first = g.asFuture();
            Future<Integer> second = g.asFuture();
            assertTrue(first.cancel(false));
            assertTrue(second.isCancelled(), "one result, one cancellation, whichever view cancelled it");
            assertTrue(second.isDone());
            assertFalse(second.cancel(false), "cancelled once");
            assertThrows(CancellationException.class, second::get);
            assertTrue(g.join(Duration.ofSeconds(10)), "cancel kills the greenlet");
        });
    }

    @Test
    void aCancelFromAnotherThreadThatReturnedTrueIsWhatEveryViewReportsThoughTheGreenletReturnedFirst() {
        FreshHub.run(() -> {
            Greenlet<Integer> g = Gevent.spawn(() -> 42);
            Future<Integer> view = g.asFuture();
            boolean[] cancelled = {false};
            Thread other = new Thread(() -> cancelled[0] = view.cancel(false));
            other.start();
            other.join();
            assertTrue(cancelled[0], "nothing had ended when it cancelled");
            assertEquals(42, g.get(), "the greenlet ran before the kill handed to its hub arrived");
            Future<Integer> later = g.asFuture();
            assertTrue(later.isCancelled(), "the view's cancellation came first: Future's contract");
            assertThrows(CancellationException.class, later::get);
        });
    }

    @Test
    void aValueAndAnErrorCompletedAtOnceOnTwoThreadsAreBothKept() {
        FreshHub.run(() -> {
            List<AsyncResult<Integer>> results = results();
            IllegalStateException error = new IllegalStateException("set at the same time");
            int rounds = race(i -> results.get(i).set(i), i -> results.get(i).setException(error));
            for (int i = 0; i < rounds; i++) {
                AsyncResult<Integer> r = results.get(i);
                assertTrue(r.successful(), "round " + i + ": the value stays whatever the order (gevent's rule)");
                assertEquals(i, r.value(), "round " + i);
                assertSame(error, r.exception(), "round " + i + ": the error stays too");
            }
            Gevent.sleep(0);
        });
    }

    @Test
    void twoViewsCancelledAtOnceOnTwoThreadsCancelOnce() {
        FreshHub.run(() -> {
            List<AsyncResult<Integer>> results = results();
            List<Future<Integer>> a = views(results);
            List<Future<Integer>> b = views(results);
            boolean[] wonA = new boolean[ROUNDS];
            boolean[] wonB = new boolean[ROUNDS];
            int rounds = race(i -> wonA[i] = a.get(i).cancel(false), i -> wonB[i] = b.get(i).cancel(false));
            for (int i = 0; i < rounds; i++) {
                assertTrue(wonA[i] ^ wonB[i], "round " + i + ": exactly one cancel returns true");
                assertTrue(a.get(i).isCancelled() && b.get(i).isCancelled(), "round " + i);
            }
            Gevent.sleep(0);
        });
    }

    @Test
    void aCancelRacingAValueIsEitherWhatEveryViewReportsOrReturnsFalse() throws Exception {
        FreshHub.run(() -> {
            List<AsyncResult<Integer>> results = results();
            List<Future<Integer>> views = views(results);
            boolean[] won = new boolean[ROUNDS];
            int rounds = race(i -> results.get(i).set(i), i -> won[i] = views.get(i).cancel(false));
            for (int i = 0; i < rounds; i++) {
                Future<Integer> fresh = results.get(i).asFuture();
                assertEquals(won[i], fresh.isCancelled(), "round " + i + ": every view agrees with cancel()");
                if (won[i]) {
                    assertThrows(CancellationException.class, fresh::get, "round " + i);
                } else {
                    assertEquals(i, getQuietly(fresh), "round " + i + ": the value came first");
                }
            }
            Gevent.sleep(0);
        });
    }

    private static List<AsyncResult<Integer>> results() {
        List<AsyncResult<Integer>> results = new ArrayList<>(ROUNDS);
        for (int i = 0; i < ROUNDS; i++) {
            results.add(new AsyncResult<>());
        }
        return results;
    }

    private static List<Future<Integer>> views(List<AsyncResult<Integer>> results) {
        List<Future<Integer>> views = new ArrayList<>(results.size());
        for (AsyncResult<Integer> r : results) {
            views.add(r.asFuture());
        }
        return views;
    }

    private static Integer getQuietly(Future<Integer> f) {
        try {
            return f.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Runs {@code left} and {@code right} on two platform threads for each round, both
     * released together (each waits until the other reached the round). Returns how many
     * rounds both finished: all of them unless {@link #RACE_LIMIT} passed first.
     */
    private static int race(IntConsumer left, IntConsumer right) throws InterruptedException {
        AtomicInteger leftAt = new AtomicInteger(-1);
        AtomicInteger rightAt = new AtomicInteger(-1);
        long deadline = System.nanoTime() + RACE_LIMIT.toNanos();
        int[] done = new int[2];
        Thread l = new Thread(() -> done[0] = rounds(left, leftAt, rightAt, deadline), "race-left");
        Thread r = new Thread(() -> done[1] = rounds(right, rightAt, leftAt, deadline), "race-right");
        l.start();
        r.start();
        l.join();
        r.join();
        return Math.min(done[0], done[1]);
    }

    private static int rounds(IntConsumer action, AtomicInteger mine, AtomicInteger other, long deadline) {
        for (int i = 0; i < ROUNDS; i++) {
            mine.set(i);
            while (other.get() < i) {
                if (System.nanoTime() - deadline > 0) {
                    return i;
                }
                Thread.onSpinWait();
            }
            action.accept(i);
        }
        return ROUNDS;
    }
}
