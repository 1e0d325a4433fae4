package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.event.AsyncResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChildWatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theCallbackRunsOnTheHubWhenTheChildExitsWithItsStatus() {
        FreshHub.run(() -> {
            Process p = new ProcessBuilder("sh", "-c", "read line; exit 3").start();
            ChildWatcher w = Hub.current().loop().child(p);
            assertThrows(IllegalThreadStateException.class, w::exitStatus);
            AsyncResult<Integer> exited = new AsyncResult<>();
            w.start(() -> exited.set(w.exitStatus()));
            assertTrue(w.isActive());
            p.getOutputStream().close();
            assertEquals(3, exited.get(WAIT));
            assertEquals(p.pid(), w.pid());
            w.close();
        });
    }

    @Test
    void aWatcherStartedAfterTheExitStillRuns() {
        FreshHub.run(() -> {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            ChildWatcher w = Hub.current().loop().child(p);
            AsyncResult<Integer> exited = new AsyncResult<>();
            w.start(() -> exited.set(w.exitStatus()));
            assertEquals(0, exited.get(WAIT));
        });
    }

    @Test
    void anActiveChildWatcherKeepsTheLoopAliveAndAStoppedOneDoesNotRun() {
        FreshHub.run(() -> {
            Process p = new ProcessBuilder("sleep", "0.2").start();
            ChildWatcher w = Hub.current().loop().child(p);
            AsyncResult<Integer> exited = new AsyncResult<>();
            w.start(() -> exited.set(w.exitStatus()));
            assertEquals(0, exited.await(), "waiting without a timer does not raise LoopExit");
            Process q = new ProcessBuilder("true").start();
            ChildWatcher stopped = Hub.current().loop().child(q);
            AtomicBoolean ran = new AtomicBoolean();
            stopped.start(() -> ran.set(true));
            stopped.stop();
            q.waitFor();
            ChildWatcher started = Hub.current().loop().child(q);
            AsyncResult<Integer> seen = new AsyncResult<>();
            started.start(() -> seen.set(started.exitStatus()));
            assertEquals(0, seen.get(WAIT));
            assertFalse(ran.get(), "a stopped watcher's callback ran");
        });
    }
}
