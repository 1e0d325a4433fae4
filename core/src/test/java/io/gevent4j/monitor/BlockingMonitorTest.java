package io.gevent4j.monitor;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockingMonitorTest {

    private static final Duration MAX = Duration.ofMillis(100);
    /** A bound for waiting on the monitor thread, generous for a loaded machine. */
    private static final long PATIENCE_NANOS = Duration.ofSeconds(30).toNanos();

    @Test
    void aSpinningGreenletIsReportedOnceWithItsNameAndStack() {
        List<EventLoopBlocked> reports = new CopyOnWriteArrayList<>();
        try (BlockingMonitor monitor = new BlockingMonitor(MAX)) {
            monitor.addListener(reports::add);
            monitor.start();
            FreshHub.run(() -> {
                Hub hub = Hub.current();
                Greenlet<Void> spinner = new Greenlet<Void>(() -> spinUntilReported(hub, reports, 200))
                        .setName("spinner");
                spinner.start();
                spinner.join();
                Gevent.sleep(0.01); // the loop turns again: the episode ends

                List<EventLoopBlocked> mine = reportsOf(hub, reports).stream()
                        .filter(r -> r.greenlet().equals("spinner")) // a loaded machine may stall the hub elsewhere too
                        .toList();
                assertEquals(1, mine.size(), "one report per episode: " + mine);
                EventLoopBlocked report = mine.getFirst();
                assertEquals("spinner", report.greenlet());
                assertTrue(report.blockedFor().compareTo(MAX) > 0, report.blockedFor().toString());
                assertEquals(MAX, report.maxBlockingTime());
                assertTrue(report.stackTrace().stream()
                                .anyMatch(f -> f.getMethodName().equals("spinUntilReported")),
                        report.formatStackTrace());
                assertTrue(report.format().contains("spinner"), report.format());
            });
        }
    }

    @Test
    void aCallbackTheWaitingMainThreadRunsIsReportedWithThatThreadsStack() {
        List<EventLoopBlocked> reports = new CopyOnWriteArrayList<>();
        try (BlockingMonitor monitor = new BlockingMonitor(MAX)) {
            monitor.addListener(reports::add);
            monitor.start();
            FreshHub.run(() -> {
                Hub hub = Hub.current();
                hub.loop().runCallback(() -> spinInCallbackUntilReported(hub, reports));
                Gevent.sleep(0.01); // no greenlet is ready: this thread runs the loop, and the callback
                List<EventLoopBlocked> mine = reportsOf(hub, reports).stream()
                        .filter(r -> r.greenlet().equals("loop callback"))
                        .toList();
                assertTrue(mine.stream().anyMatch(r -> r.stackTrace().stream()
                                .anyMatch(f -> f.getMethodName().equals("spinInCallbackUntilReported"))),
                        "no report shows the callback's stack: " + mine);
            });
        }
    }

    @Test
    void theBlockedLoopIsAJfrEvent(@TempDir Path dir) throws Exception {
        List<EventLoopBlocked> reports = new CopyOnWriteArrayList<>();
        Path file = dir.resolve("blocked.jfr");
        try (Recording recording = new Recording(); BlockingMonitor monitor = new BlockingMonitor(MAX)) {
            recording.enable("io.gevent4j.LoopBlocked");
            recording.start();
            monitor.addListener(reports::add);
            monitor.start();
            FreshHub.run(() -> {
                Hub hub = Hub.current();
                Gevent.spawn(() -> spinUntilReported(hub, reports, 200)).setName("jfr-spinner").join();
            });
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.gevent4j.LoopBlocked"))
                .filter(e -> "jfr-spinner".equals(e.getString("greenlet")))
                .toList();
        assertEquals(1, events.size(), events.toString());
        RecordedEvent e = events.getFirst();
        assertTrue(e.getDuration("blockedFor").compareTo(MAX) > 0, e.toString());
        assertTrue(e.getString("greenletStack").contains("spinUntilReported"), e.toString());
    }

    @Test
    void theJfrEventKeepsTheBlockedTimeToTheNanosecond(@TempDir Path dir) throws Exception {
        Duration blockedFor = MAX.plusNanos(400_000);
        Path file = dir.resolve("precise.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.gevent4j.LoopBlocked");
            recording.start();
            FreshHub.run(() -> LoopBlockedEvent.commit(
                    new EventLoopBlocked(Hub.current(), "precise", List.of(), blockedFor, MAX)));
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> "precise".equals(e.getString("greenlet")))
                .toList();
        assertEquals(1, events.size(), events.toString());
        assertEquals(blockedFor, events.getFirst().getDuration("blockedFor"));
    }

    @Test
    void onALogicalClockASpinIsReportedOnceAndASleepingOrTurningLoopNever() throws Exception {
        List<EventLoopBlocked> reports = new CopyOnWriteArrayList<>();
        BlockingMonitor monitor = new BlockingMonitor(MAX); // not started: the test calls check
        monitor.addListener(reports::add);
        AtomicReference<Hub> hubRef = new AtomicReference<>();
        AtomicInteger mode = new AtomicInteger(SLEEP);
        AtomicBoolean spinning = new AtomicBoolean();
        AtomicReference<Event> wakeRef = new AtomicReference<>();
        Thread hubThread = Thread.ofPlatform().daemon().start(() -> FreshHub.run(() -> {
            Event wake = new Event();
            wakeRef.set(wake);
            hubRef.set(Hub.current());
            Gevent.spawn(() -> {
                wake.await(FreshHub.LIMIT); // the loop sleeps in its selector meanwhile
                while (mode.get() == TURN) {
                    Gevent.sleep(0);
                }
                while (mode.get() == SPIN) {
                    spinning.set(true); // no switch: the loop cannot turn
                }
            }).setName("worker").join();
        }));
        Hub hub = awaitValue(hubRef::get);
        Event wake = wakeRef.get();
        try {
            checkOnALogicalClock(monitor, reports, hub, wake, mode, spinning);
        } finally {
            mode.set(DONE);
            hub.loop().runCallbackThreadsafe(wake::set);
            hubThread.join(FreshHub.LIMIT);
        }
        List<EventLoopBlocked> mine = reportsOf(hub, reports);
        assertEquals(1, mine.size(), mine.toString());
        assertEquals("worker", mine.getFirst().greenlet());
        assertEquals(Duration.ofNanos(MAX.toNanos() * 3 / 2), mine.getFirst().blockedFor());
    }

    private static void checkOnALogicalClock(BlockingMonitor monitor, List<EventLoopBlocked> reports, Hub hub,
                                             Event wake, AtomicInteger mode, AtomicBoolean spinning) {
        long max = MAX.toNanos();
        long t = 0;

        awaitTrue(() -> hub.loop().isSleeping());
        monitor.check(t);
        monitor.check(t += 10 * max);
        assertEquals(List.of(), reportsOf(hub, reports), "a sleeping loop is not blocked");

        long turns = hub.loop().turns();
        mode.set(TURN);
        hub.loop().runCallbackThreadsafe(wake::set);
        monitor.check(t += max);
        long seen = hub.loop().turns(); // at least what that check saw
        awaitTrue(() -> hub.loop().turns() > seen && hub.loop().turns() > turns);
        monitor.check(t += 10 * max);
        assertEquals(List.of(), reportsOf(hub, reports), "a loop that turns is not blocked");

        long seenLast = hub.loop().turns(); // the episode of the spin begins after what that check saw
        awaitTrue(() -> hub.loop().turns() > seenLast);
        mode.set(SPIN);
        awaitTrue(spinning::get);
        assertEquals("worker", hub.runningGreenlet().name());
        monitor.check(t += max);
        monitor.check(t += max);
        assertEquals(List.of(), reportsOf(hub, reports), "not yet longer than the maximum");
        monitor.check(t += max / 2);
        monitor.check(t += 10 * max);
        assertEquals(1, reportsOf(hub, reports).size(), "reported once per episode");
    }

    @Test
    void closeEndsTheMonitorThread() {
        BlockingMonitor monitor = new BlockingMonitor(MAX);
        monitor.start();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("gevent4j-blocking-monitor")));
        monitor.close();
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("gevent4j-blocking-monitor") && t.isAlive()));
    }

    private static final int SLEEP = 0;
    private static final int TURN = 1;
    private static final int SPIN = 2;
    private static final int DONE = 3;

    private static <T> T awaitValue(Supplier<T> value) {
        awaitTrue(() -> value.get() != null);
        return value.get();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - start < PATIENCE_NANOS, "condition not reached in time");
            Thread.onSpinWait();
        }
    }

    private static List<EventLoopBlocked> reportsOf(Hub hub, List<EventLoopBlocked> reports) {
        return reports.stream().filter(r -> r.hub() == hub).toList();
    }

    /** Computes in a loop callback until the monitor reported one on {@code hub} (bounded). */
    private static void spinInCallbackUntilReported(Hub hub, List<EventLoopBlocked> reports) {
        long start = System.nanoTime();
        long sink = 0;
        while (System.nanoTime() - start < PATIENCE_NANOS
                && reportsOf(hub, reports).stream().noneMatch(r -> r.greenlet().equals("loop callback"))) {
            sink += Long.numberOfTrailingZeros(System.nanoTime());
        }
        assertTrue(sink >= 0);
    }

    /**
     * Computes without switching for at least {@code millis}, and on until the monitor
     * reported this greenlet (bounded), so a descheduled monitor thread cannot fail the test.
     */
    static void spinUntilReported(Hub hub, List<EventLoopBlocked> reports, long millis) {
        String me = RawGreenlet.current().name();
        long start = System.nanoTime();
        long min = start + Duration.ofMillis(millis).toNanos();
        long sink = 0;
        while (System.nanoTime() - min < 0 || System.nanoTime() - start < PATIENCE_NANOS
                && reportsOf(hub, reports).stream().noneMatch(r -> r.greenlet().equals(me))) {
            sink += Long.numberOfTrailingZeros(System.nanoTime());
        }
        assertTrue(sink >= 0);
    }
}
