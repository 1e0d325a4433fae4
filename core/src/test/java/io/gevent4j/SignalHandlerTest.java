package io.gevent4j;

import io.gevent4j.event.AsyncResult;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real signals sent to this JVM's own pid; SIGWINCH, which nothing else in a test JVM uses. */
class SignalHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theHandlerRunsInAGreenletOfTheHubThatInstalledIt() {
        FreshHub.run(() -> {
            AsyncResult<Greenlet<?>> ran = new AsyncResult<>();
            SignalHandler h = Gevent.signalHandler("SIGWINCH", () -> ran.set(Greenlet.current()));
            assertEquals("WINCH", h.signal());
            assertTrue(h.isActive());
            raise("WINCH");
            Greenlet<?> g = ran.get(WAIT);
            assertNotNull(g, "the handler ran in a Greenlet");
            assertSame(Hub.current(), g.hub());
            h.cancel();
            assertFalse(h.isActive());
        });
    }

    @Test
    void everySignalRunsTheHandlerAgainUntilCancelledAndThenThePreviousHandlerIsBack() {
        AtomicInteger previous = new AtomicInteger();
        sun.misc.SignalHandler original = Signal.handle(new Signal("WINCH"), sig -> previous.incrementAndGet());
        try {
            FreshHub.run(() -> {
                AtomicInteger runs = new AtomicInteger();
                AsyncResult<Void> first = new AsyncResult<>();
                AsyncResult<Void> second = new AsyncResult<>();
                SignalHandler h = Gevent.signalHandler("winch", () -> {
                    (runs.incrementAndGet() == 1 ? first : second).set(null);
                });
                raise("WINCH");
                first.get(WAIT);
                raise("WINCH");
                second.get(WAIT);
                assertEquals(2, runs.get());
                assertEquals(0, previous.get(), "gevent4j's handler replaced the previous one");
                h.cancel();
                h.cancel();
                raise("WINCH");
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (previous.get() == 0 && System.nanoTime() < deadline) {
                    Gevent.sleep(0.01);
                }
                assertEquals(1, previous.get(), "the previous handler is back");
                assertEquals(2, runs.get(), "a cancelled handler does not run");
            });
        } finally {
            Signal.handle(new Signal("WINCH"), original);
        }
    }

    @Test
    void aSignalTheJvmKeepsOrAnUnknownOneIsRefusedWithItsName() {
        FreshHub.run(() -> {
            IllegalArgumentException kept = assertThrows(IllegalArgumentException.class,
                    () -> Gevent.signalHandler("QUIT", () -> { }));
            assertTrue(kept.getMessage().contains("SIGQUIT"), kept.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> Gevent.signalHandler("SIGNOPE", () -> { }));
            assertTrue(unknown.getMessage().contains("NOPE"), unknown.getMessage());
        });
    }

    @Test
    void anInstalledHandlerDoesNotKeepTheLoopAlive() {
        FreshHub.run(() -> {
            SignalHandler h = Gevent.signalHandler("WINCH", () -> { });
            try {
                assertThrows(LoopExit.class, () -> new Event().await());
            } finally {
                h.cancel();
            }
        });
    }

    @Test
    void aHandlerLeftInstalledWhenItsHubClosedIsDroppedAtTheNextSignal() throws Exception {
        AtomicInteger previous = new AtomicInteger();
        sun.misc.SignalHandler original = Signal.handle(new Signal("WINCH"), sig -> previous.incrementAndGet());
        try {
            FreshHub.run(() -> Gevent.signalHandler("WINCH", () -> { }));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (previous.get() == 0 && System.nanoTime() < deadline) {
                raise("WINCH");
                Thread.sleep(10);
            }
            assertTrue(previous.get() > 0, "the previous handler is back");
        } finally {
            Signal.handle(new Signal("WINCH"), original);
        }
    }

    /** Sends {@code signal} to this JVM with kill(1). */
    static void raise(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(ProcessHandle.current().pid()))
                .inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }
}
