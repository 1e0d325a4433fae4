package io.gevent4j.queue;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Putters and getters timed out and killed at random at every blocking point: no item is
 * lost or duplicated, and the queue is consistent and usable afterwards.
 */
class QueueChaosTest {

    private static final int ITEMS = 300;

    /** What the greenlets saw; an item counts as put only if put() returned normally. */
    private static final class Ledger {
        final Set<Integer> put = new HashSet<>();
        final List<Integer> got = new ArrayList<>();
    }

    @Test
    void aBoundedQueueLosesAndDuplicatesNothing() {
        FreshHub.run(() -> {
            for (SimpleQueue<Integer> q : List.of(new SimpleQueue<Integer>(3), new Queue<Integer>(1),
                    new LifoQueue<Integer>(2), new PriorityQueue<Integer>(2))) {
                Ledger ledger = chaos(q::put, q::get, q::peek, new Random(42));
                List<Integer> left = new ArrayList<>();
                q.drainTo(left);
                assertConserved(ledger, left);
                assertEquals(0, q.getters());
                assertEquals(0, q.putters());
                q.put(-1);
                assertEquals(-1, q.get());
            }
        });
    }

    @Test
    void aChannelLosesAndDuplicatesNothing() {
        FreshHub.run(() -> {
            Channel<Integer> ch = new Channel<>();
            Ledger ledger = chaos(ch::put, ch::get, null, new Random(7));
            assertConserved(ledger, List.of());
            assertEquals(0, ch.getters());
            assertEquals(0, ch.putters());
            Gevent.spawn(() -> ch.put(-1));
            assertEquals(-1, ch.get());
        });
    }

    private interface Put {
        void put(Integer item, Duration timeout);
    }

    private interface Get {
        Integer get(Duration timeout);
    }

    /**
     * Spawns ITEMS putters and ITEMS getters (some peeking first) in random order and bursts,
     * while a killer greenlet kills live ones at random; then ends the stragglers.
     */
    private static Ledger chaos(Put put, Get get, Get peek, Random rnd) {
        Gevent.getHub().setErrorHandler((ctx, t) -> { });
        Ledger ledger = new Ledger();
        List<Greenlet<?>> all = new ArrayList<>();
        boolean[] spawning = {true};
        Greenlet<Void> killer = Gevent.spawn(() -> {
            for (int round = 0; round < 10_000 && spawning[0]; round++) {
                if (!all.isEmpty()) {
                    Greenlet<?> victim = all.get(all.size() - 1 - rnd.nextInt(Math.min(all.size(), 20)));
                    victim.kill(new GreenletExit(), false, null);
                }
                Gevent.sleep(rnd.nextBoolean() ? 0 : 0.0003);
            }
        });
        List<Runnable> bodies = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            int item = i;
            int putMode = rnd.nextInt(3);
            bodies.add(() -> {
                withMode(putMode, () -> put.put(item, putMode == 1 ? Duration.ofMillis(1) : null));
                ledger.put.add(item);
            });
            int getMode = rnd.nextInt(3);
            boolean peekFirst = peek != null && rnd.nextInt(4) == 0;
            bodies.add(() -> {
                if (peekFirst) {
                    withMode(getMode, () -> peek.get(getMode == 1 ? Duration.ofMillis(1) : null));
                }
                Integer[] got = {null};
                withMode(getMode, () -> got[0] = get.get(getMode == 1 ? Duration.ofMillis(1) : null));
                ledger.got.add(got[0]);
            });
        }
        java.util.Collections.shuffle(bodies, rnd);
        for (Runnable body : bodies) {
            all.add(Gevent.spawn(body));
            if (rnd.nextInt(8) == 0) {
                Gevent.sleep(rnd.nextBoolean() ? 0 : 0.0005);
            }
        }
        Gevent.sleep(0.005);
        spawning[0] = false;
        killer.join();
        for (Greenlet<?> g : all) {
            if (!g.join(Duration.ofMillis(5))) {
                g.kill();
            }
        }
        return ledger;
    }

    /** 0: no limit, 1: the call's own timeout, 2: a Timeout around the call. */
    private static void withMode(int mode, Runnable call) {
        if (mode == 2) {
            try (Timeout t = Timeout.start(Duration.ofMillis(1))) {
                call.run();
            }
        } else {
            call.run();
        }
    }

    private static void assertConserved(Ledger ledger, List<Integer> left) {
        List<Integer> out = new ArrayList<>(ledger.got);
        out.addAll(left);
        assertEquals(out.size(), new HashSet<>(out).size(), "an item came out twice: " + out);
        assertEquals(ledger.put, new HashSet<>(out), "items put and items that came out differ");
        assertTrue(ledger.got.size() > 10 && ledger.got.size() < ITEMS, "the chaos did interrupt: " + ledger.got.size());
    }
}
