package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one I/O wait: readiness, timeout, cancel, reuse, lazy disarm and several channels. */
class IoWaitTest {

    private static Pipe pipe() throws java.io.IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    @Test
    void noCallerCanEndAWaitAsTheLoopDoes() {
        Set<String> api = Arrays.stream(IoWait.class.getMethods())
                .filter(m -> m.getDeclaringClass() != Object.class)
                .map(Method::getName)
                .collect(Collectors.toSet());
        assertEquals(Set.of("await", "awaitUntilInterrupted", "hub", "readyOps", "waiting", "cancel", "close", "toString"), api,
                "the callback of the watchers and the timer (which ends a wait as ready) is no public run()");
    }

    @Test
    void readinessEndsTheWaitAndATimeoutReturnsFalse() {
        run(() -> {
            Pipe p = pipe();
            try (IoWait wait = new IoWait(Hub.current(), p.source(), SelectionKey.OP_READ)) {
                assertFalse(wait.await(Duration.ofMillis(20)), "nothing to read: the timeout passes");
                Gevent.spawn(() -> p.sink().write(ByteBuffer.wrap(new byte[] {1})));
                assertTrue(wait.await(Duration.ofSeconds(30)));
                assertEquals(SelectionKey.OP_READ, wait.readyOps(0));
                assertTrue(wait.await(null), "reused: the byte is still there");
            } finally {
                p.source().close();
                p.sink().close();
            }
        });
    }

    @Test
    void cancelThrowsIntoTheWaiterAndTheWaitStaysUsable() {
        run(() -> {
            Pipe p = pipe();
            try (IoWait wait = new IoWait(Hub.current(), p.source(), SelectionKey.OP_READ)) {
                Greenlet<Boolean> g = Gevent.spawn(() -> wait.await(null));
                Gevent.sleep(0);
                assertSame(g, wait.waiting());
                IllegalStateException second = assertThrows(IllegalStateException.class, () -> wait.await(null));
                assertTrue(second.getMessage().contains("already waits"), second.getMessage());
                RuntimeException error = new RuntimeException("cancelled");
                assertTrue(wait.cancel(error));
                assertSame(error, assertThrows(RuntimeException.class, g::get), "get() rethrows it as is");
                assertFalse(wait.cancel(error), "nobody waits any more");
                assertFalse(wait.await(Duration.ZERO));
            } finally {
                p.source().close();
                p.sink().close();
            }
        });
    }

    @Test
    void theWatcherIsDisarmedLazilyAndClosingReleasesTheChannel() {
        run(() -> {
            Pipe p = pipe();
            Loop loop = Hub.current().loop();
            try (IoWait wait = new IoWait(Hub.current(), p.source(), SelectionKey.OP_READ)) {
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(wait.await(null));
                SelectionKey key = p.source().keyFor(loop.selector);
                assertEquals(SelectionKey.OP_READ, key.interestOps(), "still armed right after the wait");
                Gevent.sleep(0.01);
                assertEquals(0, key.interestOps(), "fired with nobody waiting: disarmed");
                assertTrue(wait.await(null), "re-armed by the next wait");
            } finally {
                p.sink().close();
            }
            Gevent.sleep(0.01);
            assertFalse(p.source().isRegistered(), "closed: no registration left");
            p.source().close();
        });
    }

    @Test
    void everyChannelReadyInTheSamePollIsReported() {
        run(() -> {
            Pipe a = pipe();
            Pipe b = pipe();
            Pipe c = pipe();
            a.sink().write(ByteBuffer.wrap(new byte[] {1}));
            c.sink().write(ByteBuffer.wrap(new byte[] {1}));
            SelectableChannel[] channels = {a.source(), b.source(), c.source(), b.sink()};
            int[] ops = {SelectionKey.OP_READ, SelectionKey.OP_READ, SelectionKey.OP_READ, 0};
            try (IoWait wait = new IoWait(Hub.current(), channels, ops)) {
                assertTrue(wait.await(Duration.ofSeconds(30)));
                assertEquals(SelectionKey.OP_READ, wait.readyOps(0));
                assertEquals(0, wait.readyOps(1));
                assertEquals(SelectionKey.OP_READ, wait.readyOps(2));
                assertEquals(0, wait.readyOps(3), "an entry of 0 is not watched");
            }
            for (Pipe p : new Pipe[] {a, b, c}) {
                p.source().close();
                p.sink().close();
            }
        });
    }

    @Test
    void aLaterWaitReportsOnlyWhatFiredDuringIt() {
        run(() -> {
            Pipe a = pipe();
            Pipe b = pipe();
            a.sink().write(ByteBuffer.wrap(new byte[] {1}));
            SelectableChannel[] channels = {a.source(), b.source()};
            int[] ops = {SelectionKey.OP_READ, SelectionKey.OP_READ};
            try (IoWait wait = new IoWait(Hub.current(), channels, ops)) {
                assertTrue(wait.await(Duration.ofSeconds(30)));
                assertEquals(SelectionKey.OP_READ, wait.readyOps(0));
                a.source().read(ByteBuffer.allocate(1));
                b.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(wait.await(Duration.ofSeconds(30)));
                assertEquals(0, wait.readyOps(0), "a drained since the first wait");
                assertEquals(SelectionKey.OP_READ, wait.readyOps(1));
            }
            for (Pipe p : new Pipe[] {a, b}) {
                p.source().close();
                p.sink().close();
            }
        });
    }

    @Test
    void readinessAPollFoundBeforeTheWaitBeganEndsItAsReadyNotTimedOut() {
        run(() -> {
            Pipe p = pipe();
            Pipe q = pipe();
            Loop loop = Hub.current().loop();
            try (IoWait wait = new IoWait(Hub.current(), p.source(), SelectionKey.OP_READ)) {
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(wait.await(null), "armed, and the byte stays unread");
                IoWatcher cancelled = loop.io(q.source(), SelectionKey.OP_READ);
                cancelled.start(() -> { });
                cancelled.close();
                IoWatcher again = loop.io(q.source(), SelectionKey.OP_READ);
                again.start(() -> { });
                assertTrue(loop.pendingWatchers.size() > 0,
                        "registering over a cancelled key polled from this greenlet: the armed watcher is pending");
                assertTrue(wait.await(Duration.ofSeconds(30)), "its callback ends the next wait, as readiness");
                again.close();
            } finally {
                for (Pipe pp : new Pipe[] {p, q}) {
                    pp.source().close();
                    pp.sink().close();
                }
            }
        });
    }

    @Test
    void aWaitWhoseSecondChannelIsClosedThrowsAndKeepsNoLoopAlive() {
        run(() -> {
            Pipe p = pipe();
            Pipe q = pipe();
            Loop loop = Hub.current().loop();
            try (IoWait wait = new IoWait(Hub.current(), new SelectableChannel[] {p.source(), q.source()},
                    new int[] {SelectionKey.OP_READ, SelectionKey.OP_READ})) {
                int refs = loop.activeRefs;
                q.source().close();
                IllegalStateException closed = assertThrows(IllegalStateException.class, () -> wait.await(null));
                assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
                assertEquals(refs, loop.activeRefs, "neither the armed first watcher nor the failed second keeps the loop alive");
                assertNull(wait.waiting());
            } finally {
                for (Pipe pp : new Pipe[] {p, q}) {
                    pp.source().close();
                    pp.sink().close();
                }
            }
        });
    }
}
