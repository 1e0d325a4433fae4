package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timer heap against a sorted-set model: random adds, removes and polls, ties by add order. */
class TimerHeapTest {

    @Test
    void behavesAsASortedSetByDeadlineThenAddOrder() {
        checkAgainstModel(new Random(42), false);
    }

    /**
     * Timers that mostly arrive in deadline order (one delay for all, started as time goes
     * by) go to the run beside the heap; some arrive early and go to the heap; removals
     * leave empty slots that compaction squeezes out: the order stays the model's.
     */
    @Test
    void timersAddedInDeadlineOrderKeepTheOrderThroughRemovalsAndCompaction() {
        checkAgainstModel(new Random(7), true);
    }

    @Test
    void aLongRunOfTimersDrainsInOrderAfterMostAreRemoved() {
        run(() -> {
            Loop loop = Hub.current().loop();
            TimerHeap heap = new TimerHeap();
            List<TimerWatcher> all = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                TimerWatcher t = loop.timer(Duration.ofSeconds(1));
                t.deadline = i / 3;   // ties: three timers per deadline, in add order
                heap.add(t);
                all.add(t);
            }
            List<TimerWatcher> kept = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (i % 10 == 0) {
                    kept.add(all.get(i));
                } else {
                    heap.remove(all.get(i));
                    assertEquals(-1, all.get(i).heapIndex);
                }
            }
            assertEquals(kept.size(), heap.size());
            List<TimerWatcher> listed = new ArrayList<>();
            heap.forEach(listed::add);
            assertEquals(kept.size(), listed.size());
            assertTrue(listed.containsAll(kept));
            for (TimerWatcher t : kept) {
                assertEquals(t.deadline, heap.firstDeadline());
                assertSame(t, heap.poll());
                assertEquals(-1, t.heapIndex);
            }
            assertEquals(0, heap.size());
        });
    }

    /**
     * Random adds, removes and polls against a sorted set. Deadlines are random in
     * {@code [0, 200)}, or, {@code ascending}, each the last one plus -1, 0, 1 or 2: a
     * quarter of them early, a quarter ties.
     */
    private static void checkAgainstModel(Random random, boolean ascending) {
        run(() -> {
            Loop loop = Hub.current().loop();
            TimerHeap heap = new TimerHeap();
            long[] last = {0};
            Map<TimerWatcher, Long> order = new IdentityHashMap<>();
            long[] added = {0};
            Comparator<TimerWatcher> byKey = Comparator.<TimerWatcher>comparingLong(t -> t.deadline)
                    .thenComparingLong(order::get);
            TreeSet<TimerWatcher> model = new TreeSet<>(byKey);
            List<TimerWatcher> live = new ArrayList<>();
            for (int step = 0; step < 20_000; step++) {
                int op = random.nextInt(10);
                if (op < 5 || model.isEmpty()) {
                    TimerWatcher t = loop.timer(Duration.ofSeconds(1));
                    // many equal deadlines: ties must keep add order
                    t.deadline = ascending ? (last[0] += random.nextInt(4) - 1) : random.nextInt(200);
                    order.put(t, added[0]++);
                    heap.add(t);
                    model.add(t);
                    live.add(t);
                } else if (op < 8) {
                    TimerWatcher t = live.remove(random.nextInt(live.size()));
                    heap.remove(t);
                    model.remove(t);
                    assertEquals(-1, t.heapIndex);
                } else {
                    TimerWatcher expected = model.pollFirst();
                    assertEquals(expected.deadline, heap.firstDeadline());
                    assertSame(expected, heap.poll());
                    live.remove(expected);
                }
                assertEquals(model.size(), heap.size());
            }
            while (!model.isEmpty()) {
                assertSame(model.pollFirst(), heap.poll());
            }
            assertEquals(0, heap.size());
        });
    }
}
