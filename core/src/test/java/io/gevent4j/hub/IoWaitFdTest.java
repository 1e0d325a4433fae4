package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link IoWait} over raw file descriptors (skipped on a selector loop): remembered readiness
 * ends a wait without parking, readiness, end of stream and writability wake a parked wait,
 * timeouts, cancel and kill end it and leave it reusable, and one wait mixes channels and
 * descriptors.
 */
class IoWaitFdTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private static Hub epollHub() {
        Hub hub = Hub.current();
        assumeTrue(hub.loop().watchesFds(), "the loop polls the JDK's selector");
        return hub;
    }

    @Test
    void readinessRememberedWhileNobodyWaitedEndsTheNextWaitWithoutParking() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (IoWait wait = new IoWait(hub, pair[0], SelectionKey.OP_READ)) {
                Fds.write(pair[1], new byte[] {1});
                Gevent.sleep(Duration.ofMillis(20)); // the loop sees the edge; nobody waits
                long iteration = hub.loop().iteration();
                assertTrue(wait.await(LONG));
                assertEquals(iteration, hub.loop().iteration(), "returned without a turn of the loop");
                assertEquals(SelectionKey.OP_READ, wait.readyOps(0));
                assertFalse(wait.await(Duration.ofMillis(20)), "consumed: the unread byte brings no new edge");
                assertEquals(1, Fds.drain(pair[0]));
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void aParkedWaitIsWokenByAnotherThreadsWriteAndTimesOutOtherwise() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (IoWait wait = new IoWait(hub, pair[0], SelectionKey.OP_READ)) {
                assertFalse(wait.await(Duration.ofMillis(20)), "nothing to read: the timeout passes");
                Thread writer = Thread.ofPlatform().start(() -> {
                    sleepQuietly(20);
                    Fds.write(pair[1], new byte[] {1, 2});
                });
                assertTrue(wait.await(LONG));
                writer.join();
                assertEquals(2, Fds.drain(pair[0]));
                assertFalse(wait.await(Duration.ofMillis(20)), "drained: waits again");
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void thePeersCloseEndsAReadersWaitAndDrainingEndsAWritersWait() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (IoWait reading = new IoWait(hub, pair[0], SelectionKey.OP_READ);
                 IoWait writing = new IoWait(hub, pair[1], SelectionKey.OP_WRITE)) {
                assertTrue(writing.await(LONG), "writable from the start");
                Fds.fill(pair[1]);
                assertFalse(writing.await(Duration.ofMillis(20)), "full");
                Greenlet<Boolean> writer = Gevent.spawn(() -> writing.await(LONG));
                Gevent.sleep(Duration.ofMillis(10));
                Fds.drain(pair[0]);
                assertTrue(writer.get());
                assertEquals(SelectionKey.OP_WRITE, writing.readyOps(0));
                Greenlet<Boolean> reader = Gevent.spawn(() -> reading.await(LONG));
                Gevent.sleep(Duration.ofMillis(10));
                writing.close();
                Fds.close(pair[1]);
                assertTrue(reader.get(), "end of stream wakes the reader");
                assertEquals(0, Fds.read(pair[0], 16));
            } finally {
                Fds.close(pair[0]);
            }
        });
    }

    @Test
    void cancelAndKillEndAWaitOnADescriptorWhichStaysUsable() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (IoWait wait = new IoWait(hub, pair[0], SelectionKey.OP_READ)) {
                Greenlet<Boolean> g = Gevent.spawn(() -> wait.await(null));
                Gevent.sleep(0);
                assertSame(g, wait.waiting());
                ClosedChannelException closing = new ClosedChannelException();
                assertTrue(wait.cancel(closing), "the socket's close ends its wait");
                g.join();
                assertSame(closing, g.exception(), "the waiter got the exception it was cancelled with");
                Greenlet<Boolean> killed = Gevent.spawn(() -> wait.await(null));
                Gevent.sleep(0);
                killed.kill();
                assertTrue(killed.killed() && killed.ready(), "the kill ended the wait");
                assertNull(wait.waiting());
                Fds.write(pair[1], new byte[] {1});
                assertTrue(wait.await(LONG), "reusable after both");
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void oneWaitMixesChannelsAndDescriptors() {
        run(() -> {
            Hub hub = epollHub();
            Loop loop = hub.loop();
            int[] pair = Fds.socketPair();
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            AbstractIoWatcher[] watchers = {loop.io(pipe.source(), SelectionKey.OP_READ), null,
                    loop.fdWatcher(pair[0], SelectionKey.OP_READ)};
            try (IoWait wait = new IoWait(hub, watchers)) {
                assertFalse(wait.await(Duration.ofMillis(20)));
                Fds.write(pair[1], new byte[] {1});
                assertTrue(wait.await(LONG));
                assertEquals(0, wait.readyOps(0));
                assertEquals(0, wait.readyOps(1), "a null entry is not watched");
                assertEquals(SelectionKey.OP_READ, wait.readyOps(2));
                Fds.drain(pair[0]);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(wait.await(LONG));
                assertEquals(SelectionKey.OP_READ, wait.readyOps(0));
                assertEquals(0, wait.readyOps(2));
            } finally {
                loop.closeChannel(pipe.source());
                pipe.sink().close();
                Fds.close(pair);
            }
            assertTrue(watchers[0].closed && watchers[2].closed, "closing the wait closed the watchers it was given");
            assertThrows(IllegalArgumentException.class, () -> new IoWait(hub, watchers));
        });
    }

    @Test
    void aWatcherStartedElsewhereCannotJoinAWait() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (FdWatcher started = hub.loop().fdWatcher(pair[0], SelectionKey.OP_READ)) {
                started.start(() -> { });
                assertThrows(IllegalArgumentException.class, () -> new IoWait(hub, new AbstractIoWatcher[] {started}));
            } finally {
                Fds.close(pair);
            }
        });
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
