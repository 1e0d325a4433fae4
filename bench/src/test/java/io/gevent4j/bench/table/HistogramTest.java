package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistogramTest {

    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        for (long v = 1; v <= 50; v++) {
            h.record(v);
        }
        assertEquals(50, h.count());
        assertEquals(25, h.percentile(0.50));
        assertEquals(50, h.percentile(0.99));
        assertEquals(1, h.percentile(0));
    }

    @Test
    void largeValuesAreWithinThreePercent() {
        Histogram h = new Histogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 1_000);
        }
        assertEquals(50_000_000, h.percentile(0.50), 50_000_000 * 0.03);
        assertEquals(99_000_000, h.percentile(0.99), 99_000_000 * 0.03);
        assertEquals(100_000_000, h.percentile(1.0), 100_000_000 * 0.03);
    }

    @Test
    void addedHistogramsCountBoth() {
        Histogram fast = new Histogram();
        Histogram slow = new Histogram();
        for (int i = 0; i < 98; i++) {
            fast.record(10);
        }
        slow.record(5_000_000);
        slow.record(5_000_000);
        fast.add(slow);
        assertEquals(100, fast.count());
        assertEquals(10, fast.percentile(0.98));
        assertEquals(5_000_000, fast.percentile(0.99), 5_000_000 * 0.03);
    }

    @Test
    void hugeAndNegativeValuesAreClamped() {
        Histogram h = new Histogram();
        h.record(-5);
        h.record(Long.MAX_VALUE);
        assertEquals(0, h.percentile(0.5));
        assertEquals(2, h.count());
        double top = h.percentile(1.0);
        assertTrue(top > 6e10, "the last bucket holds values beyond the range: " + top);
    }

    @Test
    void anEmptyHistogramHasNoPercentile() {
        assertThrows(IllegalStateException.class, () -> new Histogram().percentile(0.5));
    }
}
