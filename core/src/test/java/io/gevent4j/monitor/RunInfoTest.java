package io.gevent4j.monitor;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunInfoTest {

    @Test
    void greenletsAreATreeUnderTheirSpawnerWithStacksAndTheLoopsWatchers() {
        FreshHub.run(() -> {
            Event release = new Event();
            Greenlet<Void> parent = new Greenlet<Void>(() -> {
                new Greenlet<Void>(() -> release.await(FreshHub.LIMIT)).setName("child").start();
                release.await(FreshHub.LIMIT);
            }).setName("parent");
            parent.start();
            Gevent.sleep(0);
            Gevent.sleep(0);

            String info = Gevent.formatRunInfo();
            String mine = section(info, Hub.current());
            List<String> lines = mine.lines().toList();
            int parentLine = lineOf(lines, "Greenlet[parent, running]");
            int childLine = lineOf(lines, "Greenlet[child, running]");
            assertTrue(parentLine < childLine, mine);
            assertEquals(indent(lines.get(parentLine)) + 2, indent(lines.get(childLine)), mine);
            assertTrue(indent(lines.get(lineOf(lines, "main greenlet[fresh-hub"))) < indent(lines.get(parentLine)), mine);
            assertTrue(lines.get(childLine + 1).contains("at "), "a stack trace follows: " + mine);
            assertTrue(mine.contains("io.gevent4j.event.Event.await"), mine);
            assertTrue(mine.contains("active watchers (2):"), mine); // the two await timers
            assertTrue(mine.contains("timer after " + FreshHub.LIMIT.toMillis() + " ms"), mine);

            release.set();
            parent.join();
            assertTrue(!section(Gevent.formatRunInfo(), Hub.current()).contains("Greenlet[child"));
        });
    }

    @Test
    void anotherHubIsAskedForItsWatchers() throws Exception {
        AtomicReference<Hub> remote = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread other = Thread.ofPlatform().daemon().start(() -> FreshHub.run(() -> {
            remote.set(Hub.current());
            Greenlet<Void> sleeper = Gevent.spawn(() -> Gevent.sleep(Duration.ofMinutes(1))).setName("remote-sleeper");
            Gevent.spawn(ready::countDown);
            Gevent.spawn(() -> {
                while (done.getCount() > 0) {
                    Gevent.sleep(0.01);
                }
                sleeper.kill();
            }).join();
        }));
        assertTrue(ready.await(60, TimeUnit.SECONDS));
        try {
            String info = FreshHub.call(Gevent::formatRunInfo);
            String theirs = section(info, remote.get());
            assertTrue(theirs.contains("Greenlet[remote-sleeper, running]"), theirs);
            assertTrue(theirs.contains("timer after 60000 ms"), theirs);
        } finally {
            done.countDown();
            other.join(FreshHub.LIMIT);
        }
    }

    /** The lines about {@code hub}: from its header to the next hub's. */
    private static String section(String info, Hub hub) {
        int start = info.indexOf(hub + " (loop ");
        assertTrue(start >= 0, info);
        int end = info.indexOf("\nHub[", start);
        return end < 0 ? info.substring(start) : info.substring(start, end + 1);
    }

    private static int lineOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text + " in\n" + String.join("\n", lines));
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }
}
