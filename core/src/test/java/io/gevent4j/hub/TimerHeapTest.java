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

/** The timer heap against a sorted-set model: random adds, removes and polls, ties by add order. */
class TimerHeapTest {

    @Test
    void behavesAsASortedSetByDeadlineThenAddOrder() {
        run(() -> {
            Loop loop = Hub.current().loop();
            Random random = new Random(42);
            TimerHeap heap = new TimerHeap();
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
                    t.deadline = random.nextInt(200); // many equal deadlines: ties must keep add order
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
