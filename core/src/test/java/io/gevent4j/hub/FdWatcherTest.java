package io.gevent4j.hub;

import io.gevent4j.Gevent;
import org.junit.jupiter.api.Test;

import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Watchers of raw file descriptors on a loop that polls its own epoll (skipped on a selector
 * loop, which refuses them): edges fire once and are remembered while nobody watches, a
 * descriptor's watchers share its one registration, and descriptor numbers are reused.
 */
class FdWatcherTest {

    private static final Duration QUIET = Duration.ofMillis(50);

    private static Loop epollLoop() {
        Loop loop = Hub.current().loop();
        assumeTrue(loop.watchesFds(), "the loop polls the JDK's selector");
        return loop;
    }

    /** Lets the loop run (and poll, sleeping) until {@code condition} holds, for at most 30 s. */
    private static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the condition did not come true within 30 s");
            Gevent.sleep(Duration.ofMillis(1));
        }
    }

    @Test
    void theDefaultLoopWatchesDescriptorsWhereNativeAccessIsGranted() {
        assumeFalse("selector".equals(System.getProperty("gevent4j.loop")), "forced onto the JDK's selector");
        run(() -> assertTrue(Hub.current().loop().watchesFds(), "the build grants native access on Linux"));
    }

    @Test
    void aSelectorLoopRefusesDescriptorsNamingItsSetting() {
        run(() -> {
            Loop loop = Hub.current().loop();
            assumeFalse(loop.watchesFds(), "the loop polls its own epoll");
            int[] pair = Fds.socketPair();
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> loop.fdWatcher(pair[0], SelectionKey.OP_READ));
                assertTrue(e.getMessage().contains("gevent4j.loop"), e.getMessage());
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void anEdgeFiresOnceAndAStartAfterItFiresAtOnce() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try (FdWatcher reader = loop.fdWatcher(pair[0], SelectionKey.OP_READ)) {
                Fds.write(pair[1], new byte[] {1, 2, 3});
                Gevent.sleep(QUIET); // the loop sees the edge while nobody watches
                AtomicInteger fired = new AtomicInteger();
                reader.start(fired::incrementAndGet);
                assertTrue(reader.isPending(), "the remembered edge fires in this iteration, without a poll");
                Gevent.sleep(Duration.ZERO);
                assertEquals(1, fired.get());
                assertEquals(SelectionKey.OP_READ, reader.readyOps());
                Gevent.sleep(QUIET);
                assertEquals(1, fired.get(), "edge-triggered: the unread bytes fire no second time");
                Fds.write(pair[1], new byte[] {4});
                until(() -> fired.get() == 2);
                assertEquals(4, Fds.drain(pair[0]));
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void anEdgeThatFiredWhileAStopClearedItIsKeptForTheNextStart() {
        run(() -> {
            Loop loop = epollLoop();
            int[] one = Fds.socketPair();
            int[] two = Fds.socketPair();
            try (FdWatcher a = loop.fdWatcher(one[0], SelectionKey.OP_READ);
                 FdWatcher b = loop.fdWatcher(two[0], SelectionKey.OP_READ)) {
                FdWatcher[] firstAndStopped = new FdWatcher[2];
                boolean[] stoppedPended = new boolean[1];
                a.start(() -> firstOf(firstAndStopped, stoppedPended, a, b));
                b.start(() -> firstOf(firstAndStopped, stoppedPended, b, a));
                Fds.write(one[1], new byte[] {1});
                Fds.write(two[1], new byte[] {2}); // both edges come in one poll: both watchers pend
                until(() -> firstAndStopped[0] != null);
                FdWatcher stopped = firstAndStopped[1];
                assertTrue(stoppedPended[0], "both edges came in one poll: the other watcher pended when stopped");
                assertFalse(stopped.isActive() || stopped.isPending());
                AtomicInteger fired = new AtomicInteger();
                stopped.start(fired::incrementAndGet);
                assertTrue(stopped.isPending(), "its edge was kept");
                Gevent.sleep(Duration.ZERO);
                assertEquals(1, fired.get());
            } finally {
                Fds.close(one);
                Fds.close(two);
            }
        });
    }

    /** The callback of {@code me} when {@code other} may pend too: the first to run stops the other. */
    private static void firstOf(FdWatcher[] firstAndStopped, boolean[] stoppedPended, FdWatcher me, FdWatcher other) {
        if (firstAndStopped[0] == null) {
            firstAndStopped[0] = me;
            firstAndStopped[1] = other;
            stoppedPended[0] = other.isPending();
            other.stop();
        }
    }

    @Test
    void aWriterFiresWhenTheFullDescriptorDrains() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try (FdWatcher writer = loop.fdWatcher(pair[0], SelectionKey.OP_WRITE)) {
                AtomicInteger fired = new AtomicInteger();
                writer.start(fired::incrementAndGet);
                until(() -> fired.get() == 1); // writable from the start
                assertTrue(Fds.fill(pair[0]) > 0);
                Gevent.sleep(QUIET);
                assertEquals(1, fired.get(), "full: no edge");
                Fds.drain(pair[1]);
                until(() -> fired.get() == 2);
                assertEquals(SelectionKey.OP_WRITE, writer.readyOps());
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void thePeersCloseWakesAReader() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try (FdWatcher reader = loop.fdWatcher(pair[0], SelectionKey.OP_READ)) {
                AtomicInteger fired = new AtomicInteger();
                reader.start(fired::incrementAndGet);
                Gevent.sleep(QUIET);
                assertEquals(0, fired.get(), "nothing to read");
                Fds.close(pair[1]);
                until(() -> fired.get() == 1);
                assertEquals(0, Fds.read(pair[0], 16), "end of stream");
            } finally {
                Fds.close(pair[0]);
            }
        });
    }

    @Test
    void aReaderAndAWriterShareTheirDescriptor() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try (FdWatcher reader = loop.fdWatcher(pair[0], SelectionKey.OP_READ);
                 FdWatcher writer = loop.fdWatcher(pair[0], SelectionKey.OP_WRITE)) {
                AtomicInteger reads = new AtomicInteger();
                AtomicInteger writes = new AtomicInteger();
                reader.start(reads::incrementAndGet);
                writer.start(writes::incrementAndGet);
                assertTrue(loop.activeWatchers().containsAll(List.of(reader, writer)));
                assertTrue(Gevent.formatRunInfo().contains("on fd " + pair[0]), "run info lists the fd watchers");
                until(() -> writes.get() == 1);
                assertEquals(0, reads.get(), "writable, nothing to read: the reader sleeps");
                reader.close();
                assertFalse(loop.activeWatchers().contains(reader));
                Fds.fill(pair[0]);
                Gevent.sleep(QUIET);
                int before = writes.get();
                Fds.drain(pair[1]);
                until(() -> writes.get() > before);
                assertEquals(SelectionKey.OP_WRITE, writer.readyOps(), "the writer still watches after the reader closed");
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void aDescriptorWatchedAgainAfterItsWatchersClosedIsRegisteredAgain() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try {
                loop.fdWatcher(pair[0], SelectionKey.OP_READ).close(); // the slot empties, the registration stays
                try (FdWatcher again = loop.fdWatcher(pair[0], SelectionKey.OP_READ)) { // EEXIST: modified
                    AtomicInteger fired = new AtomicInteger();
                    again.start(fired::incrementAndGet);
                    Fds.write(pair[1], new byte[] {1});
                    until(() -> fired.get() == 1);
                }
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void aReusedDescriptorNumberIsWatchedAfresh() {
        run(() -> {
            Loop loop = epollLoop();
            int[] first = Fds.pipe();
            loop.fdWatcher(first[0], SelectionKey.OP_READ).close();
            Fds.close(first);
            int[] second = Fds.pipe(); // the lowest free numbers: the same ones
            try (FdWatcher reader = loop.fdWatcher(second[0], SelectionKey.OP_READ)) {
                assertEquals(first[0], second[0], "the kernel reused the number");
                AtomicInteger fired = new AtomicInteger();
                reader.start(fired::incrementAndGet);
                Fds.write(second[1], new byte[] {1});
                until(() -> fired.get() == 1);
            } finally {
                Fds.close(second);
            }
        });
    }

    @Test
    void moreReadyDescriptorsThanOnePollReportsAllFire() {
        run(() -> {
            Loop loop = epollLoop();
            int count = 600; // above the 512 events one epoll_wait reports
            int[][] pairs = new int[count][];
            FdWatcher[] readers = new FdWatcher[count];
            AtomicInteger fired = new AtomicInteger();
            try {
                for (int i = 0; i < count; i++) {
                    pairs[i] = Fds.socketPair();
                    readers[i] = loop.fdWatcher(pairs[i][0], SelectionKey.OP_READ);
                    readers[i].start(fired::incrementAndGet);
                }
                for (int[] pair : pairs) {
                    Fds.write(pair[1], new byte[] {1});
                }
                until(() -> fired.get() == count);
            } finally {
                for (int i = 0; i < count && pairs[i] != null; i++) {
                    if (readers[i] != null) {
                        readers[i].close();
                    }
                    Fds.close(pairs[i]);
                }
            }
        });
    }

    @Test
    void badDescriptorsAndOperationsAreRefused() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pipe = Fds.pipe();
            Fds.close(pipe);
            IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
                    () -> loop.fdWatcher(pipe[0], SelectionKey.OP_READ));
            assertTrue(closed.getMessage().contains("not open"), closed.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.fdWatcher(-1, SelectionKey.OP_READ));
            int[] pair = Fds.socketPair();
            try {
                assertThrows(IllegalArgumentException.class, () -> loop.fdWatcher(pair[0], 0));
                assertThrows(IllegalArgumentException.class, () -> loop.fdWatcher(pair[0], 2));
            } finally {
                Fds.close(pair);
            }
        });
    }
}
