package io.gevent4j.monitor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryMonitorTest {

    @Test
    void crossingTheThresholdIsReportedOnceEachWay() {
        AtomicLong usage = new AtomicLong(100);
        List<MemoryUsageEvent> events = new CopyOnWriteArrayList<>();
        MemoryMonitor monitor = new MemoryMonitor(1000, Duration.ofSeconds(1), usage::get);
        monitor.addListener(events::add);

        monitor.check();
        usage.set(1001);
        monitor.check();
        usage.set(5000);
        monitor.check();
        usage.set(1000);
        monitor.check();
        monitor.check();
        usage.set(2000);
        monitor.check();

        assertEquals(List.of(
                new MemoryUsageEvent.ThresholdExceeded(1001, 1000),
                new MemoryUsageEvent.UnderThreshold(1000, 1000),
                new MemoryUsageEvent.ThresholdExceeded(2000, 1000)), events);
    }

    @Test
    void theMonitorThreadReportsTheRealHeap() throws InterruptedException {
        CountDownLatch exceeded = new CountDownLatch(1);
        try (MemoryMonitor monitor = new MemoryMonitor(1, Duration.ofMillis(10))) {
            monitor.addListener(e -> {
                if (e instanceof MemoryUsageEvent.ThresholdExceeded x && x.usage() > 1) {
                    exceeded.countDown();
                }
            });
            monitor.start();
            assertTrue(exceeded.await(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthers() {
        List<MemoryUsageEvent> events = new CopyOnWriteArrayList<>();
        MemoryMonitor monitor = new MemoryMonitor(1, Duration.ofSeconds(1), () -> 2);
        monitor.addListener(e -> {
            throw new IllegalStateException("listener bug (expected by the test)");
        });
        monitor.addListener(events::add);
        monitor.check();
        assertEquals(1, events.size());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryMonitor(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new MemoryMonitor(1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new BlockingMonitor(Duration.ofMillis(-1)));
    }
}
