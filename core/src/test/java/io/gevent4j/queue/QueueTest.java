package io.gevent4j.queue;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's joinable Queue (taskDone, join, shutdown), LifoQueue and PriorityQueue. */
class QueueTest {

    @Test
    void joinWaitsUntilEveryTaskIsDone() {
        FreshHub.run(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.join(Duration.ZERO));
            List<Integer> processed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            assertEquals(5, q.unfinishedTasks());
            Gevent.spawn(() -> {
                while (true) {
                    Integer item = q.get();
                    Gevent.sleep(0.001);
                    processed.add(item);
                    q.taskDone();
                }
            });
            q.join();
            assertEquals(List.of(0, 1, 2, 3, 4), processed);
            assertEquals(0, q.unfinishedTasks());
        });
    }

    @Test
    void joinWithTimeoutReturnsFalseWhileTasksRemain() {
        FreshHub.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);
            q.get();
            assertFalse(q.join(Duration.ofMillis(5)));
            q.taskDone();
            assertTrue(q.join(Duration.ofMillis(5)));
        });
    }

    @Test
    void taskDoneCalledTooOftenThrows() {
        FreshHub.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);
            q.taskDone();
            assertThrows(IllegalStateException.class, q::taskDone);
        });
    }

    @Test
    void shutdownMakesPutsThrowAndGetsDrainFirst() {
        FreshHub.run(() -> {
            Queue<String> q = new Queue<>();
            q.put("left");
            q.shutdown();
            assertTrue(q.isShutdown());
            assertThrows(ShutDown.class, () -> q.put("more"));
            assertThrows(ShutDown.class, () -> q.putNowait("more"));
            assertEquals("left", q.get());
            assertThrows(ShutDown.class, q::get);
            assertThrows(ShutDown.class, q::getNowait);
        });
    }

    @Test
    void shutdownWakesBlockedGettersAndPutters() {
        FreshHub.run(() -> {
            Queue<String> empty = new Queue<>();
            Queue<String> full = new Queue<>(1);
            full.put("x");
            Greenlet<String> getter = Gevent.spawn(() -> empty.get());
            Greenlet<Void> putter = Gevent.spawn(() -> full.put("y"));
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Gevent.sleep(0);
            empty.shutdown();
            full.shutdown();
            Gevent.joinAll(getter, putter);
            assertTrue(getter.exception() instanceof ShutDown);
            assertTrue(putter.exception() instanceof ShutDown);
            assertEquals("x", full.get());
        });
    }

    @Test
    void immediateShutdownDropsItemsMarksThemDoneAndGetsThrowAtOnce() {
        FreshHub.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);
            q.put(2);
            q.put(3);
            q.get();
            Greenlet<Boolean> joiner = Gevent.spawn(() -> q.join(Duration.ofSeconds(30)));
            Gevent.sleep(0);
            q.shutdown(true);
            assertEquals(0, q.size());
            assertThrows(ShutDown.class, q::get);
            assertEquals(1, q.unfinishedTasks(), "the item got before the shutdown is still unfinished");
            q.taskDone();
            assertTrue(joiner.get());
        });
    }

    @Test
    void consumeIteratesUntilShutDownAndEmpty() {
        FreshHub.run(() -> {
            Queue<Integer> q = new Queue<>();
            Gevent.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                    Gevent.sleep(0);
                }
                q.shutdown();
            });
            List<Integer> seen = new ArrayList<>();
            for (Integer i : q.consume()) {
                seen.add(i);
            }
            assertEquals(List.of(0, 1, 2), seen);
        });
    }

    @Test
    void lifoQueueTakesTheNewestFirst() {
        FreshHub.run(() -> {
            LifoQueue<Integer> q = new LifoQueue<>();
            q.put(1);
            q.put(2);
            q.put(3);
            assertEquals(3, q.peek());
            assertEquals(List.of(3, 2, 1), new ArrayList<>(q));
            assertEquals(List.of(3, 2, 1), List.of(q.get(), q.get(), q.get()));
            q.put(4);
            q.taskDone();
            q.taskDone();
            q.taskDone();
            q.taskDone();
            assertTrue(q.join(Duration.ZERO));
        });
    }

    @Test
    void priorityQueueTakesTheLeastFirst() {
        FreshHub.run(() -> {
            PriorityQueue<Integer> q = new PriorityQueue<>();
            for (int i : new int[] {5, 1, 4, 2, 3}) {
                q.put(i);
            }
            List<Integer> out = new ArrayList<>();
            while (!q.isEmpty()) {
                out.add(q.get());
            }
            assertEquals(List.of(1, 2, 3, 4, 5), out);

            PriorityQueue<String> byLength = new PriorityQueue<>(2, Comparator.comparingInt(String::length));
            byLength.put("ccc");
            byLength.put("a");
            assertTrue(byLength.isFull());
            assertEquals("a", byLength.get());
        });
    }

    @Test
    void clearMarksTheDroppedItemsDoneSoJoinDoesNotWaitForThem() {
        FreshHub.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);
            q.put(2);
            q.put(3);
            assertEquals(1, q.get());
            q.clear();
            assertEquals(1, q.unfinishedTasks(), "the item got and not yet done still counts");
            assertFalse(q.join(Duration.ZERO));
            q.taskDone();
            assertTrue(q.join(Duration.ZERO));
        });
    }
}
