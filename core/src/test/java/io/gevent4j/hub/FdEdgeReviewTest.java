package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.nio.channels.SelectionKey;
import java.time.Duration;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Edges of raw file descriptors that an {@link IoWait} must not lose when its wait ends some
 * other way in the same turn of the loop (skipped on a selector loop).
 */
class FdEdgeReviewTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Hub epollHub() {
        Hub hub = Hub.current();
        assumeTrue(hub.loop().watchesFds(), "the loop polls the JDK's selector");
        return hub;
    }

    /** Holds the hub's thread without switching, so that what happens meanwhile is seen in one turn. */
    private static void holdTheHub(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void readinessThatArrivesWithTheTimeoutIsKeptForTheNextWait() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (IoWait wait = new IoWait(hub, pair[0], SelectionKey.OP_READ)) {
                Greenlet<Boolean> waiter = Gevent.spawn(() -> wait.await(Duration.ofMillis(50)));
                Gevent.sleep(Duration.ofMillis(10)); // it parks
                Fds.write(pair[1], new byte[] {1});
                holdTheHub(200); // its timer expires too: the loop sees both in one turn
                waiter.join();
                boolean first = waiter.get();
                // either the wait saw the byte, or the next one must: nobody read it
                assertTrue(first || wait.await(BOUND), "the edge of an unread byte was lost with the timeout");
                assertEquals(1, Fds.drain(pair[0]));
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void readinessThatArrivesWithAKillIsKeptForTheNextWait() {
        run(() -> {
            Hub hub = epollHub();
            int[] pair = Fds.socketPair();
            try (IoWait wait = new IoWait(hub, pair[0], SelectionKey.OP_READ)) {
                Greenlet<Boolean> waiter = Gevent.spawn(() -> wait.await(null));
                Gevent.sleep(Duration.ofMillis(10));
                Fds.write(pair[1], new byte[] {1});
                waiter.kill(new IllegalStateException("killed"), false, null);
                waiter.join();
                boolean first = waiter.successful() && waiter.get();
                assertTrue(first || wait.await(BOUND), "the edge of an unread byte was lost with the kill");
                assertEquals(1, Fds.drain(pair[0]));
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void aNumberReusedWhileAnotherWaitStillWatchesTheClosedDescriptorIsWatched() {
        run(() -> {
            Hub hub = epollHub();
            int[] closed = Fds.socketPair();
            // another greenlet's wait on the descriptor (as Select or Poll over a socket makes):
            // the descriptor's owner cannot close that watcher, only its own
            IoWait other = new IoWait(hub, new AbstractIoWatcher[] {hub.loop().fdWatcher(closed[0], SelectionKey.OP_READ)});
            Greenlet<Boolean> selecting = Gevent.spawn(() -> other.await(BOUND));
            Gevent.sleep(Duration.ofMillis(10));
            Fds.close(closed);
            int[] fresh = Fds.socketPair(); // the lowest free numbers: the same ones
            assumeTrue(fresh[0] == closed[0], "the kernel gave another number");
            try (IoWait wait = new IoWait(hub, fresh[0], SelectionKey.OP_READ)) {
                Fds.write(fresh[1], new byte[] {1});
                assertTrue(wait.await(BOUND), "a byte for the descriptor that reuses the number never woke its wait");
            } finally {
                selecting.kill();
                other.close();
                Fds.close(fresh);
            }
        });
    }
}
