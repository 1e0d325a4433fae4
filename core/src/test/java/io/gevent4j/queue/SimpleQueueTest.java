package io.gevent4j.queue;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's SimpleQueue: FIFO, bounded or not, with blocking put/get, and a BlockingQueue. */
class SimpleQueueTest {

    @Test
    void maxsizeZeroNegativeOrAbsentIsUnbounded() {
        FreshHub.run(() -> {
            for (SimpleQueue<Integer> q : List.of(new SimpleQueue<Integer>(), new SimpleQueue<Integer>(0),
                    new SimpleQueue<Integer>(-3))) {
                for (int i = 0; i < 1000; i++) {
                    q.putNowait(i);
                }
                assertEquals(1000, q.size());
                assertFalse(q.isFull());
                assertEquals(0, q.maxsize());
                assertEquals(Integer.MAX_VALUE, q.remainingCapacity());
            }
        });
    }

    @Test
    void itemsComeOutInFifoOrder() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>();
            q.put("a");
            q.put("b");
            q.put("c");
            assertEquals("a", q.get());
            assertEquals("b", q.getNowait());
            assertEquals("c", q.get(Duration.ofSeconds(1)));
            assertTrue(q.isEmpty());
        });
    }

    @Test
    void theThirdPutOnASizeTwoQueueBlocksUntilAGet() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(2);
            List<String> log = new ArrayList<>();
            Greenlet<Void> putter = Gevent.spawn(() -> {
                q.put(1);
                q.put(2);
                log.add("two in");
                q.put(3);
                log.add("three in");
            });
            Gevent.sleep(0.01);
            assertEquals(List.of("two in"), log);
            assertTrue(q.isFull());
            assertEquals(1, q.putters());
            assertEquals(1, q.get());
            putter.join();
            assertEquals(List.of("two in", "three in"), log);
            assertEquals(List.of(2, 3), List.of(q.get(), q.get()));
        });
    }

    @Test
    void getBlocksUntilAPut() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>();
            Gevent.spawnLater(Duration.ofMillis(10), () -> q.put("late"));
            assertEquals("late", q.get());
        });
    }

    @Test
    void blockedGettersAreServedFifo() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>();
            List<String> got = new ArrayList<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (String name : List.of("g1", "g2", "g3")) {
                gs.add(Gevent.spawn(() -> {
                    got.add(name + "=" + q.get());
                }));
            }
            Gevent.sleep(0);
            assertEquals(3, q.getters());
            q.put(1);
            q.put(2);
            q.put(3);
            Gevent.joinAll(gs);
            assertEquals(List.of("g1=1", "g2=2", "g3=3"), got);
        });
    }

    @Test
    void blockedPuttersAreServedFifo() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>(1);
            q.put("first");
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (String item : List.of("p1", "p2", "p3")) {
                gs.add(Gevent.spawn(() -> q.put(item)));
            }
            Gevent.sleep(0);
            assertEquals(3, q.putters());
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                out.add(q.get());
            }
            Gevent.joinAll(gs);
            assertEquals(List.of("first", "p1", "p2", "p3"), out);
        });
    }

    @Test
    void aGreenletThatDidNotWaitCannotOvertakeAWokenGetter() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>();
            Greenlet<String> waiter = Gevent.spawn(() -> q.get());
            Gevent.sleep(0);
            q.put("for the waiter");
            assertNull(q.poll(), "the item is promised to the woken getter");
            assertEquals("for the waiter", waiter.get());
        });
    }

    @Test
    void nowaitAndTimeoutsThrowEmptyAndFull() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(1);
            assertThrows(Empty.class, q::getNowait);
            assertThrows(Empty.class, q::peekNowait);
            assertThrows(Empty.class, () -> q.get(Duration.ofMillis(5)));
            assertThrows(Empty.class, () -> q.get(false, Duration.ofSeconds(5)));
            q.put(1);
            assertThrows(Full.class, () -> q.putNowait(2));
            assertThrows(Full.class, () -> q.put(2, Duration.ofMillis(5)));
            assertThrows(Full.class, () -> q.put(2, false, null));
            assertEquals(1, q.size());
        });
    }

    @Test
    void negativeTimeoutIsIllegalArgument() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(1);
            assertThrows(IllegalArgumentException.class, () -> q.get(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> q.put(1, Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> q.peek(Duration.ofMillis(-1)));
            q.put(1, false, Duration.ofMillis(-1));
            assertEquals(1, q.get(false, Duration.ofMillis(-1)));
        });
    }

    @Test
    void blockingPeekWaitsAndLeavesTheItem() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>();
            assertNull(q.peek());
            Gevent.spawn(() -> q.put("x"));
            assertEquals("x", q.peek(Duration.ofSeconds(10)));
            assertEquals("x", q.peek());
            assertEquals(1, q.size());
            assertEquals("x", q.get());
        });
    }

    @Test
    void getInterruptedByATimeoutLeavesTheQueueConsistent() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>();
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    q.get();
                }
            });
            assertEquals(0, q.getters());
            q.put(1);
            assertEquals(1, q.size());
            assertEquals(1, q.get());
        });
    }

    @Test
    void putInterruptedByAKillLeavesTheQueueConsistent() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(1);
            q.put(0);
            Greenlet<Void> doomed = Gevent.spawn(() -> q.put(99));
            Greenlet<Void> next = Gevent.spawn(() -> q.put(1));
            Gevent.sleep(0);
            doomed.kill();
            assertEquals(0, q.get());
            assertEquals(1, q.get());
            next.join();
            assertTrue(q.isEmpty());
            assertEquals(0, q.putters());
        });
    }

    @Test
    void aKilledGetterIsSkippedAndAWokenOneGetsTheItemEvenIfKilledMeanwhile() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>();
            Greenlet<String> dead = Gevent.spawn(() -> q.get());
            Greenlet<String> woken = Gevent.spawn(() -> q.get());
            Greenlet<String> last = Gevent.spawn(() -> q.get(Duration.ofMillis(50)));
            Gevent.sleep(0);
            dead.kill();
            q.put("one");
            woken.kill(new io.gevent4j.GreenletExit(), false, null);
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Gevent.joinAll(dead, woken, last);
            assertTrue(dead.killed());
            assertEquals("one", woken.value(), "a woken getter takes its item: the value wins over the kill");
            assertTrue(last.exception() instanceof Empty);
            assertTrue(q.isEmpty());
            assertEquals(0, q.getters());
        });
    }

    @Test
    void isABlockingQueue() {
        FreshHub.run(() -> {
            BlockingQueue<Integer> q = new SimpleQueue<>(2);
            assertTrue(q.offer(1));
            q.add(2);
            assertFalse(q.offer(3));
            assertThrows(IllegalStateException.class, () -> q.add(3));
            assertFalse(q.offer(3, 5, TimeUnit.MILLISECONDS));
            assertEquals(0, q.remainingCapacity());
            assertEquals(1, q.peek());
            assertTrue(q.contains(2));
            assertEquals(List.of(1, 2), new ArrayList<>(q));
            assertEquals(1, q.take());
            assertEquals(2, q.poll(1, TimeUnit.SECONDS));
            assertNull(q.poll());
            assertNull(q.poll(5, TimeUnit.MILLISECONDS));
            q.addAll(List.of(5, 6));
            List<Integer> sink = new ArrayList<>();
            assertEquals(2, q.drainTo(sink));
            assertEquals(List.of(5, 6), sink);
            assertThrows(NullPointerException.class, () -> q.offer(null));
        });
    }

    @Test
    void iteratorReadsWithoutTakingAndRemoveFreesASlot() {
        FreshHub.run(() -> {
            SimpleQueue<String> q = new SimpleQueue<>(2);
            q.put("a");
            q.put("b");
            Greenlet<Void> putter = Gevent.spawn(() -> q.put("c"));
            Gevent.sleep(0);
            var it = q.iterator();
            assertEquals("a", it.next());
            it.remove();
            putter.join();
            assertEquals(List.of("b", "c"), new ArrayList<>(q));
        });
    }

    @Test
    void remainingCapacityAndMaxsizeChange() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(1);
            q.put(1);
            Greenlet<Void> putter = Gevent.spawn(() -> q.put(2));
            Gevent.sleep(0);
            q.setMaxsize(2);
            putter.join();
            assertEquals(2, q.size());
        });
    }

    @Test
    void useFromAnotherThreadThrowsIllegalState() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>();
            Throwable[] thrown = {null};
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    q.put(1);
                } catch (Throwable x) {
                    thrown[0] = x;
                }
            });
            t.join();
            assertTrue(thrown[0] instanceof IllegalStateException);
            assertEquals(0, q.size());
        });
    }

    @Test
    void mainGreenletGettingFromAQueueNobodyFillsGetsLoopExit() {
        FreshHub.run(() -> assertThrows(LoopExit.class, () -> new SimpleQueue<Integer>().get()));
    }

    @Test
    void readinessIsWaitableBesideGreenletsAndEvents() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> in = new SimpleQueue<>();
            SimpleQueue<Integer> out = new SimpleQueue<>(1);
            out.put(0);
            assertFalse(in.readable().ready());
            assertFalse(out.writable().ready());
            Gevent.spawnLater(Duration.ofMillis(5), () -> in.put(7));
            List<io.gevent4j.Waitable> ready = Gevent.wait(List.of(in.readable(), out.writable()), null, 1);
            assertEquals(List.of(in.readable()), ready);
            assertEquals(7, in.getNowait());
            Gevent.spawnLater(Duration.ofMillis(5), () -> out.get());
            assertEquals(List.of(out.writable()), Gevent.wait(List.of(in.readable(), out.writable()), null, 1));
            assertTrue(out.writable().ready());
        });
    }

    @Test
    void nowaitCallsWorkFromALoopCallback() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(1);
            List<Object> result = new ArrayList<>();
            Gevent.getHub().loop().runCallback(() -> q.putNowait(2));
            Gevent.getHub().loop().runCallback(() -> {
                try {
                    q.putNowait(3);
                } catch (Full e) {
                    result.add("full");
                }
            });
            Gevent.sleep(0);
            assertEquals(List.of("full"), result);
            Greenlet<Void> putter = Gevent.spawn(() -> q.put(5));
            Gevent.sleep(0);
            Gevent.getHub().loop().runCallback(() -> result.add(q.getNowait()));
            Gevent.sleep(0.001);
            putter.join();
            assertEquals(List.of("full", 2), result);
            assertEquals(5, q.getNowait());
        });
    }

    @Test
    void clearRemovesEverythingAndReleasesPutters() {
        FreshHub.run(() -> {
            SimpleQueue<Integer> q = new SimpleQueue<>(1);
            q.put(1);
            Greenlet<Void> putter = Gevent.spawn(() -> q.put(2));
            Gevent.sleep(0);
            q.clear();
            assertTrue(q.isEmpty());
            putter.join();
            assertEquals(List.of(2), new ArrayList<>(q));
        });
    }
}
