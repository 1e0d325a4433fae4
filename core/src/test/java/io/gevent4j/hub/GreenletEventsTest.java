package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GreenletEventsTest {

    @Test
    void aRecordingThatEnablesThemHoldsAGreenletsStartAndEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("greenlets.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.gevent4j.GreenletStarted");
            recording.enable("io.gevent4j.GreenletEnded");
            recording.start();
            FreshHub.run(() -> new Greenlet<Void>(() -> Gevent.sleep(0)).setName("recorded").start().join());
            recording.stop();
            recording.dump(file);
        }
        assertEquals(List.of("io.gevent4j.GreenletStarted", "io.gevent4j.GreenletEnded"), eventsOf(file, "recorded"));
    }

    @Test
    void theDefaultConfigurationLeavesThemOff(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("default.jfr");
        try (Recording recording = new Recording(Configuration.getConfiguration("default"))) {
            recording.start();
            FreshHub.run(() -> new Greenlet<Void>(() -> Gevent.sleep(0)).setName("unrecorded").start().join());
            recording.stop();
            recording.dump(file);
        }
        assertEquals(List.of(), eventsOf(file, "unrecorded"));
    }

    private static List<String> eventsOf(Path file, String greenlet) throws Exception {
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("io.gevent4j.Greenlet"))
                .filter(e -> greenlet.equals(e.getString("greenlet")))
                .sorted(Comparator.comparing(RecordedEvent::getStartTime)) // a file groups events by thread
                .map(RecordedEvent::getEventType)
                .map(EventType::getName)
                .toList();
    }
}
