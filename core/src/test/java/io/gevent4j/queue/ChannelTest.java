package io.gevent4j.queue;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.Waiting;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Channel: a rendezvous, put waits for a getter. */
class ChannelTest {

    @Test
    void putBlocksUntilAGetterTookTheItem() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            List<String> log = new ArrayList<>();
            Greenlet<Void> putter = Gevent.spawn(() -> {
                ch.put("x");
                log.add("put returned");
            });
            Gevent.sleep(0.01);
            assertTrue(log.isEmpty());
            assertEquals(0, ch.size());
            assertEquals(1, ch.putters());
            assertEquals("x", ch.get());
            putter.join();
            assertEquals(List.of("put returned"), log);
        });
    }

    @Test
    void getBlocksUntilAPutterCame() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Gevent.spawnLater(Duration.ofMillis(5), () -> ch.put(7));
            assertEquals(7, ch.get());
            assertEquals(0, ch.size());
        });
    }

    @Test
    void sizeIsAlwaysZeroAndItIsAlwaysFull() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Gevent.spawn(() -> ch.put(1));
            Gevent.spawn(() -> ch.put(2));
            Gevent.sleep(0);
            assertEquals(0, ch.size());
            assertTrue(ch.isFull());
            assertTrue(ch.isEmpty());
            assertNull(ch.peek());
            assertEquals(0, ch.remainingCapacity());
            assertEquals(List.of(1, 2), List.of(ch.get(), ch.get()));
        });
    }

    @Test
    void nowaitNeedsACounterpartWaiting() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            assertThrows(Full.class, () -> ch.putNowait(1));
            assertThrows(Empty.class, ch::getNowait);
            assertFalse(ch.offer(1));
            assertNull(ch.poll());
            Greenlet<Integer> getter = Gevent.spawn(() -> ch.get());
            Gevent.sleep(0);
            ch.putNowait(5);
            assertEquals(5, getter.get());
            Greenlet<Void> putter = Gevent.spawn(() -> ch.put(6));
            Gevent.sleep(0);
            assertEquals(6, ch.getNowait());
            putter.join();
        });
    }

    @Test
    void timeoutsThrowFullAndEmpty() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            assertThrows(Full.class, () -> ch.put(1, Duration.ofMillis(5)));
            assertThrows(Empty.class, () -> ch.get(Duration.ofMillis(5)));
            assertFalse(ch.offer(1, 5, TimeUnit.MILLISECONDS));
            assertNull(ch.poll(5, TimeUnit.MILLISECONDS));
            assertEquals(0, ch.putters());
            assertEquals(0, ch.getters());
            assertThrows(IllegalArgumentException.class, () -> ch.put(1, Duration.ofSeconds(-1)));
        });
    }

    @Test
    void aPutterTimedOutTakesItsItemBack() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            assertThrows(Timeout.class, () -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    ch.put("withdrawn");
                }
            });
            assertNull(ch.poll());
            Gevent.spawn(() -> ch.put("real"));
            assertEquals("real", ch.get());
        });
    }

    @Test
    void gettersAndPuttersAreServedFifo() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            List<String> got = new ArrayList<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (String g : List.of("a", "b", "c")) {
                gs.add(Gevent.spawn(() -> {
                    got.add(g + ch.get());
                }));
            }
            for (int i = 1; i <= 3; i++) {
                int n = i;
                gs.add(Gevent.spawn(() -> ch.put(String.valueOf(n))));
            }
            Gevent.joinAll(gs);
            assertEquals(List.of("a1", "b2", "c3"), got);
        });
    }

    @Test
    void sendInterleavesAsInGevent() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            List<String> events = new ArrayList<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                events.add(ch.get());
                events.add(ch.get());
            });
            events.add("sending");
            ch.put("hello");
            events.add("sent hello");
            ch.put("world");
            events.add("sent world");
            assertEquals(List.of("sending", "hello", "sent hello", "world", "sent world"), events);
            g.get();
        });
    }

    @Test
    void receiveInterleavesAsInGevent() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            List<String> events = new ArrayList<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                events.add("sending hello");
                ch.put("hello");
                events.add("sending world");
                ch.put("world");
                events.add("sent world");
            });
            events.add("waiting");
            events.add(ch.get());
            events.add(ch.get());
            assertEquals(List.of("waiting", "sending hello", "hello", "sending world", "world"), events);
            Gevent.sleep(0);
            assertEquals(List.of("waiting", "sending hello", "hello", "sending world", "world", "sent world"), events);
            g.get();
        });
    }

    @Test
    void getNowaitFromALoopCallbackReleasesAWaitingPutter() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Greenlet<Void> putter = Gevent.spawn(() -> ch.put(5));
            Gevent.sleep(0); // the putter runs and waits in put
            assertFalse(putter.isDead());
            List<Integer> result = new ArrayList<>();
            Gevent.getHub().loop().runCallback(() -> result.add(ch.getNowait()));
            putter.join(); // ends only if the callback's getNowait released it
            assertEquals(List.of(5), result);
            assertTrue(putter.isDead());
        });
    }

    @Test
    void useFromAnotherThreadThrowsIllegalState() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Throwable[] thrown = {null};
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    ch.offer(1);
                } catch (Throwable x) {
                    thrown[0] = x;
                }
            });
            t.join();
            assertTrue(thrown[0] instanceof IllegalStateException);
            assertEquals(0, ch.putters());
        });
    }

    @Test
    void clearDoesNothingAndLosesNoItemOfAWaitingPutter() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            Greenlet<Void> putter = Gevent.spawn(() -> ch.put("kept"));
            Gevent.sleep(0);
            ch.clear();
            assertFalse(putter.ready(), "the putter still waits for a getter");
            assertEquals(1, ch.putters());
            assertEquals("kept", ch.get());
            putter.join();
        });
    }

    /** test__queue.py TestChannel.test_iterable: a putter that sends the end first ends the iteration empty. */
    @Test
    void test_iterable() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            Gevent.spawn(() -> ch.put("STOP"));
            List<String> read = new ArrayList<>();
            for (String item : ch.consume("STOP")) {
                read.add(item);
            }
            assertEquals(List.of(), read);
        });
    }

    /** test__queue.py's iteration with items before the end: each comes out in order, the end does not. */
    @Test
    void test_iterable_yieldsWhatIsSentUntilTheEnd() {
        FreshHub.run(() -> {
            Channel<String> ch = new Channel<>();
            Gevent.spawn(() -> {
                ch.put("a");
                ch.put("b");
                ch.put("STOP");
            });
            List<String> read = new ArrayList<>();
            for (String item : ch.consume("STOP")) {
                read.add(item);
            }
            assertEquals(List.of("a", "b"), read);
        });
    }

    /** test__iwait.py test_noiter, with channels: iwait yields the channel a putter waits on. */
    @Test
    void test_noiter() {
        FreshHub.run(() -> {
            Channel<Integer> ch1 = new Channel<>();
            Channel<Integer> ch2 = new Channel<>();
            Gevent.spawn(() -> ch1.put(1));
            try (Waiting<Channel<Integer>> it = Gevent.iwait(List.of(ch1, ch2))) {
                assertSame(ch1, it.next(), "a putter waits on ch1: a get would go on");
            }
            assertEquals(1, ch1.getNowait());
        });
    }

    /** test__iwait.py test_iwait_partial, with a channel: a getter waiting makes it ready for a put. */
    @Test
    void test_iwait_partial() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Greenlet<Integer> getter = Gevent.spawn(() -> ch.get());
            try (Waiting<Channel<Integer>> it = Gevent.iwait(List.of(ch), Duration.ofSeconds(10))) {
                assertSame(ch, it.next(), "a getter waits: a put would go on");
            }
            ch.putNowait(7);
            assertEquals(7, getter.get());
        });
    }

    /** A channel is ready exactly while gevent's balance is not zero: a counterpart waits that nobody took. */
    @Test
    void readyWhileACounterpartWaitsThatNobodyWasPromised() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            assertFalse(ch.ready(), "nobody waits");
            Greenlet<Integer> getter = Gevent.spawn(() -> ch.get());
            Gevent.sleep(0);
            assertTrue(ch.ready(), "a getter waits: putNowait would succeed");
            ch.putNowait(1);
            assertFalse(ch.ready(), "the item is promised to the getter");
            assertEquals(1, getter.get());
            Greenlet<Void> putter = Gevent.spawn(() -> ch.put(2));
            Gevent.sleep(0);
            assertTrue(ch.ready(), "a putter waits: getNowait would succeed");
            assertEquals(2, ch.getNowait());
            assertFalse(ch.ready());
            putter.join();
            assertFalse(putter.isDead() && ch.ready());
        });
    }

    /** gevent.wait on a channel returns once it is ready, and a link added to a channel nobody uses never fires. */
    @Test
    void waitReturnsWhenAGetterComesAndTimesOutOtherwise() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            assertEquals(List.of(), Gevent.wait(List.of(ch), Duration.ofMillis(20)), "nobody came");
            Gevent.spawn(() -> ch.get(Duration.ofSeconds(10)));
            assertEquals(List.of(ch), Gevent.wait(List.of(ch), Duration.ofSeconds(10)));
            ch.putNowait(3);
        });
    }
}
