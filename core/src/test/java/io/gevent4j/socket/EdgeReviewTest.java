package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.AsyncResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness that must not be lost, whatever the loop (a level-triggered JDK selector, or an
 * edge-triggered epoll of the loop's own): every wait here follows readiness the kernel
 * reported once, earlier, and that nothing reports again. A lost edge shows as a socket
 * timeout of {@link #BOUND}, where a correct socket answers at once.
 */
class EdgeReviewTest {

    /** Far longer than any answer needs on a loaded machine; a wait this long means an edge was lost. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void endOfStreamThatArrivedWithTheDataEndsTheNextRecv() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[1].setTimeout(BOUND);
            Greenlet<List<byte[]>> reader = Gevent.spawn(() -> List.of(p[1].recv(4096), p[1].recv(4096)));
            Gevent.sleep(0.05); // the reader found nothing and waits
            p[0].sendAll(bytes("hello"));
            p[0].shutdownOutput(); // no switch since the data: one readiness for both
            List<byte[]> got = reader.get();
            assertEquals("hello", new String(got.get(0), StandardCharsets.US_ASCII));
            assertEquals(0, got.get(1).length, "end of stream");
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void endOfStreamThatArrivedWithTheDataEndsTheNextRead() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[1].setTimeout(BOUND);
            Greenlet<int[]> reader = Gevent.spawn(() -> {
                ByteBuffer b = ByteBuffer.allocate(100);
                return new int[] {p[1].read(b), p[1].read(b)};
            });
            Gevent.sleep(0.05);
            p[0].sendAll(bytes("hello"));
            p[0].shutdownOutput();
            assertArrayEquals(new int[] {5, -1}, reader.get());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aPeerThatClosesRightAfterSendingIsSeenClosed() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[1].setTimeout(BOUND);
            Greenlet<List<byte[]>> reader = Gevent.spawn(() -> List.of(p[1].recv(4096), p[1].recv(4096)));
            Gevent.sleep(0.05);
            p[0].sendAll(bytes("bye"));
            p[0].close();
            List<byte[]> got = reader.get();
            assertEquals("bye", new String(got.get(0), StandardCharsets.US_ASCII));
            assertEquals(0, got.get(1).length, "end of stream");
            p[1].close();
        });
    }

    /**
     * Two connected sockets, [writer, reader], whose kernel buffers hold far more than the
     * hub's 64 KiB read buffer: everything a test sends is queued at the reader before it reads.
     */
    private static StreamSocket[] roomyPair() throws IOException {
        try (ListeningSocket server = Net.listen()) {
            server.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20); // inherited, and scaled into the window
            StreamSocket writer = StreamSocket.open();
            writer.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            writer.connect(Net.addressOf(server));
            return new StreamSocket[] {writer, server.accept()};
        }
    }

    /** Reads {@code size} bytes with reads into {@code into}, which is bigger than anything the peer sends at once. */
    private static byte[] readFully(StreamSocket s, int size, ByteBuffer into) throws IOException {
        byte[] got = new byte[size];
        int total = 0;
        while (total < size) {
            into.clear();
            int n = s.read(into);
            assertTrue(n > 0, "end of stream after " + total);
            into.flip().get(got, total, n);
            total += n;
        }
        return got;
    }

    private static void largeBufferGetsEverything(boolean direct) {
        FreshHub.run(() -> {
            StreamSocket[] p = roomyPair();
            p[1].setTimeout(BOUND);
            byte[] sent = pattern(400_000);
            Greenlet<Void> writer = Gevent.spawn(() -> {
                p[0].sendAll(sent);
                return null;
            });
            writer.join(Duration.ofSeconds(1)); // as much as the kernel holds is sent before the reads
            int size = 1 << 20;
            assertArrayEquals(sent, readFully(p[1], sent.length,
                    direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size)));
            writer.get();
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aReadIntoALargeHeapBufferGetsEverythingTheKernelHolds() {
        largeBufferGetsEverything(false);
    }

    @Test
    void aReadIntoALargeDirectBufferGetsEverythingTheKernelHolds() {
        largeBufferGetsEverything(true);
    }

    @Test
    void aLargeRecvGetsEverythingTheKernelHolds() {
        FreshHub.run(() -> {
            StreamSocket[] p = roomyPair();
            p[1].setTimeout(BOUND);
            byte[] sent = pattern(400_000);
            Greenlet<Void> writer = Gevent.spawn(() -> {
                p[0].sendAll(sent);
                return null;
            });
            writer.join(Duration.ofSeconds(1));
            byte[] got = new byte[sent.length];
            int total = 0;
            while (total < sent.length) {
                byte[] data = p[1].recv(1 << 20);
                assertTrue(data.length > 0, "end of stream after " + total);
                System.arraycopy(data, 0, got, total, data.length);
                total += data.length;
            }
            assertArrayEquals(sent, got);
            writer.get();
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void readFullyOfALargeArrayThroughTheInputStreamGetsEverything() {
        FreshHub.run(() -> {
            StreamSocket[] p = roomyPair();
            p[1].setTimeout(BOUND);
            byte[] sent = pattern(400_000);
            Greenlet<Void> writer = Gevent.spawn(() -> {
                p[0].sendAll(sent);
                return null;
            });
            writer.join(Duration.ofSeconds(1));
            byte[] got = new byte[sent.length];
            new java.io.DataInputStream(p[1].getInputStream()).readFully(got);
            assertArrayEquals(sent, got);
            writer.get();
            p[0].close();
            p[1].close();
        });
    }

    /** A reader consumed the readiness of ten bytes but read four: six wait, and nothing signals them again. */
    private static StreamSocket[] pairWithBytesLeftAfterAWait() throws Exception {
        StreamSocket[] p = Net.pair();
        Greenlet<byte[]> first = Gevent.spawn(() -> p[1].recv(4));
        Gevent.sleep(0.05); // it waits
        p[0].sendAll(bytes("0123456789"));
        assertEquals("0123", new String(first.get(), StandardCharsets.US_ASCII));
        return p;
    }

    @Test
    void geventWaitSeesBytesLeftByAReadThatWaited() {
        FreshHub.run(() -> {
            StreamSocket[] p = pairWithBytesLeftAfterAWait();
            assertEquals(List.of(p[1]), Gevent.wait(List.of(p[1]), BOUND));
            assertEquals("456789", new String(p[1].recv(100), StandardCharsets.US_ASCII));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void selectSeesBytesLeftByAReadThatWaited() {
        FreshHub.run(() -> {
            StreamSocket[] p = pairWithBytesLeftAfterAWait();
            assertEquals(List.of(p[1]), Select.select(List.of(p[1]), List.of(), BOUND).readable());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void pollSeesBytesLeftByAReadThatWaited() {
        FreshHub.run(() -> {
            StreamSocket[] p = pairWithBytesLeftAfterAWait();
            Poll<StreamSocket> poll = new Poll<>();
            poll.register(p[1], Poll.IN);
            List<Poll.Event<StreamSocket>> events = poll.poll(BOUND);
            assertEquals(1, events.size());
            assertEquals(Poll.IN, events.get(0).events() & Poll.IN);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void rawLinkSeesBytesLeftByAReadThatWaited() {
        FreshHub.run(() -> {
            StreamSocket[] p = pairWithBytesLeftAfterAWait();
            AsyncResult<Boolean> linked = new AsyncResult<>();
            p[1].rawLink(() -> linked.set(true));
            assertTrue(linked.await(BOUND));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void selectSeesAWritableSocketWhoseWritabilityWasReportedLongAgo() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll(bytes("x"));
            assertEquals("x", new String(p[1].recv(10), StandardCharsets.US_ASCII));
            Gevent.sleep(0.05);
            Select.Result<StreamSocket, StreamSocket> r = Select.select(List.of(), List.of(p[0]), BOUND);
            assertEquals(List.of(p[0]), r.writable());
            Poll<StreamSocket> poll = new Poll<>();
            poll.register(p[0], Poll.OUT);
            assertEquals(1, poll.poll(BOUND).size());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void geventWaitSeesConnectionsLeftAfterAnAcceptThatWaited() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                server.setTimeout(BOUND);
                Greenlet<StreamSocket> first = Gevent.spawn(server::accept);
                Gevent.sleep(0.05); // it waits
                StreamSocket[] clients = new StreamSocket[5];
                for (int i = 0; i < clients.length; i++) {
                    clients[i] = StreamSocket.open(Net.addressOf(server));
                }
                first.get().close();
                assertEquals(List.of(server), Gevent.wait(List.of(server), BOUND));
                for (int i = 1; i < clients.length; i++) {
                    server.accept().close();
                }
                for (StreamSocket c : clients) {
                    c.close();
                }
            }
        });
    }

    @Test
    void aBurstOfConnectionsIsAcceptedWhole() {
        FreshHub.run(() -> {
            try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress(Net.LOOPBACK, 0), 512)) {
                server.setTimeout(BOUND);
                StreamSocket[] clients = new StreamSocket[200];
                for (int i = 0; i < clients.length; i++) {
                    clients[i] = StreamSocket.open(Net.addressOf(server));
                }
                Gevent.sleep(0.05);
                for (int i = 0; i < clients.length; i++) {
                    server.accept().close();
                }
                for (StreamSocket c : clients) {
                    c.close();
                }
            }
        });
    }

    @Test
    void aReaderAndAWriterOfOneSocketAreBothWoken() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].setTimeout(BOUND);
            Greenlet<byte[]> reader = Gevent.spawn(() -> p[0].recv(100));
            byte[] big = pattern(8 << 20);
            Greenlet<Void> writer = Gevent.spawn(() -> {
                p[0].sendAll(big);
                return null;
            });
            Gevent.sleep(0.05); // both wait: nothing to read, the send buffers full
            assertTrue(!reader.ready() && !writer.ready());
            p[1].setTimeout(BOUND);
            assertArrayEquals(big, readFully(p[1], big.length, ByteBuffer.allocate(64 * 1024)));
            writer.get();
            p[1].sendAll(bytes("done"));
            assertEquals("done", new String(reader.get(), StandardCharsets.US_ASCII));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aWritableWatcherStartedAfterAShortWriteFires() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].setOption(StandardSocketOptions.SO_SNDBUF, 8192);
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            long written = 0;
            int n;
            while ((n = p[0].writeNow(chunk.clear())) == chunk.capacity()) {
                written += n;
            }
            written += n;
            var watcher = p[0].writableWatcher();
            AtomicBoolean fired = new AtomicBoolean();
            watcher.start(() -> {
                fired.set(true);
                watcher.stop();
            });
            p[1].setTimeout(BOUND);
            readFully(p[1], (int) written, ByteBuffer.allocate(64 * 1024));
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (!fired.get() && System.nanoTime() < deadline) {
                Gevent.sleep(0.01);
            }
            assertTrue(fired.get(), "writable once the peer read everything");
            watcher.close();
            p[0].close();
            p[1].close();
        });
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static void closeFromAnotherThread(StreamSocket s) throws InterruptedException {
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                s.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        closer.join();
    }

    @Test
    void closeFromAnotherThreadWakesAReaderAndThePeerAndReleasesTheDescriptor() {
        FreshHub.run(() -> {
            StreamSocket[] warm = Net.pair();
            closeFromAnotherThread(warm[0]); // anything made once per process is made now
            warm[1].close();
            Gevent.sleep(0.05);
            long before = openFds();
            StreamSocket[] p = Net.pair();
            p[0].setTimeout(BOUND);
            p[1].setTimeout(BOUND);
            Greenlet<byte[]> reader = Gevent.spawn(() -> p[0].recv(100));
            Gevent.sleep(0.05);
            closeFromAnotherThread(p[0]);
            reader.join();
            assertInstanceOf(AsynchronousCloseException.class, reader.exception());
            assertEquals(0, p[1].recv(100).length, "the peer sees the close");
            p[1].close();
            Gevent.sleep(0.05);
            assertEquals(before, openFds(), "descriptors");
        });
    }

    @Test
    void aCloseFromAnotherThreadRacingTheHubsOwnCloseNeverHitsTheNumbersNextSocket() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                server.setTimeout(BOUND);
                for (int round = 0; round < 100; round++) {
                    StreamSocket client = StreamSocket.open(Net.addressOf(server));
                    StreamSocket conn = server.accept();
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    Thread racer = Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                            conn.close();
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
                    go.countDown();
                    conn.close(); // the hub's own close, racing the other thread's
                    client.close();
                    // the next connection most likely takes the numbers just released
                    StreamSocket nextClient = StreamSocket.open(Net.addressOf(server));
                    StreamSocket next = server.accept();
                    racer.join();
                    next.setTimeout(BOUND);
                    nextClient.setTimeout(BOUND);
                    nextClient.sendAll(bytes("r" + round));
                    assertEquals("r" + round, new String(next.recv(100), StandardCharsets.US_ASCII),
                            "a late close from the other thread replaced the next connection");
                    next.sendAll(bytes("a"));
                    assertEquals("a", new String(nextClient.recv(100), StandardCharsets.US_ASCII));
                    next.close();
                    nextClient.close();
                }
            }
        });
    }

    @Test
    void sameDescriptorNumbersServeNewConnectionsAfterClose() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                for (int round = 0; round < 50; round++) {
                    StreamSocket client = StreamSocket.open(Net.addressOf(server));
                    StreamSocket conn = server.accept();
                    conn.setTimeout(BOUND);
                    client.setTimeout(BOUND);
                    Greenlet<byte[]> reader = Gevent.spawn(() -> conn.recv(100));
                    Gevent.sleep(0.001);
                    client.sendAll(bytes("r" + round));
                    assertEquals("r" + round, new String(reader.get(), StandardCharsets.US_ASCII));
                    conn.sendAll(bytes("a" + round));
                    assertEquals("a" + round, new String(client.recv(100), StandardCharsets.US_ASCII));
                    client.close();
                    conn.close();
                }
            }
        });
    }

    /** Sends a few bytes each way over a new connection of {@code server}, each read waiting first. */
    private static void exchangeOverANewConnection(ListeningSocket server) throws Exception {
        StreamSocket client = StreamSocket.open();
        client.setTimeout(BOUND);
        client.connect(Net.addressOf(server));
        server.setTimeout(BOUND);
        StreamSocket conn = server.accept();
        conn.setTimeout(BOUND);
        Greenlet<byte[]> atConn = Gevent.spawn(() -> conn.recv(100));
        Greenlet<byte[]> atClient = Gevent.spawn(() -> client.recv(100));
        Gevent.sleep(0.05); // both wait
        client.sendAll(bytes("up"));
        conn.sendAll(bytes("down"));
        assertEquals("up", new String(atConn.get(), StandardCharsets.US_ASCII));
        assertEquals("down", new String(atClient.get(), StandardCharsets.US_ASCII));
        client.close();
        conn.close();
    }

    @Test
    void aSocketClosedWhileAnotherGreenletSelectsOnItLeavesItsNumberUsable() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                StreamSocket client = StreamSocket.open(Net.addressOf(server));
                StreamSocket conn = server.accept();
                Greenlet<?> selecting = Gevent.spawn(() -> Select.select(List.of(conn, client), List.of(), BOUND));
                Gevent.sleep(0.05); // it waits on both
                conn.close(); // their numbers are free again while the select still waits
                client.close();
                exchangeOverANewConnection(server); // most likely on the same two numbers
                selecting.kill();
            }
        });
    }

    @Test
    void aSocketClosedWhileAnotherGreenletPollsItLeavesItsNumberUsable() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                StreamSocket client = StreamSocket.open(Net.addressOf(server));
                StreamSocket conn = server.accept();
                Poll<StreamSocket> poll = new Poll<>();
                poll.register(conn, Poll.IN);
                poll.register(client, Poll.IN);
                Greenlet<?> polling = Gevent.spawn(() -> poll.poll(BOUND));
                Gevent.sleep(0.05);
                conn.close();
                client.close();
                exchangeOverANewConnection(server);
                polling.kill();
            }
        });
    }

    @Test
    void aHubWhoseOnlyIoIsOneSocketWakesWhenAnotherThreadSends() throws Exception {
        java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()
                .bind(new InetSocketAddress(Net.LOOPBACK, 0));
        try (listener) {
            InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
            Thread peer = Thread.ofPlatform().start(() -> {
                try (java.nio.channels.SocketChannel c = listener.accept()) {
                    Thread.sleep(200);
                    c.write(ByteBuffer.wrap(bytes("late")));
                    c.read(ByteBuffer.allocate(1)); // until the hub closes
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            byte[] got = FreshHub.call(() -> {
                try (StreamSocket s = StreamSocket.open(address)) {
                    s.setTimeout(BOUND);
                    return s.recv(100);
                }
            });
            assertEquals("late", new String(got, StandardCharsets.US_ASCII));
            peer.join();
        }
    }

    @Test
    void aSocketThatSwitchedBeforeConnectingWaitsForDataWithoutSpinning() throws Exception {
        java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()
                .bind(new InetSocketAddress(Net.LOOPBACK, 0));
        try (listener) {
            InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
            java.util.concurrent.CountDownLatch receiving = new java.util.concurrent.CountDownLatch(1);
            Thread peer = Thread.ofPlatform().start(() -> {
                try (java.nio.channels.SocketChannel c = listener.accept()) {
                    receiving.await();
                    Thread.sleep(300);
                    c.write(ByteBuffer.wrap(bytes("late")));
                    c.read(ByteBuffer.allocate(1)); // until the hub closes
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            int ticks = FreshHub.call(() -> {
                try (StreamSocket s = StreamSocket.open()) {
                    Gevent.sleep(0.05); // the loop polls while the socket is not connected yet
                    s.connect(address);
                    s.setTimeout(BOUND);
                    java.util.concurrent.atomic.AtomicInteger ticked = new java.util.concurrent.atomic.AtomicInteger();
                    Greenlet<Void> ticker = Gevent.spawn(() -> {
                        while (true) {
                            Gevent.sleep(0.01);
                            ticked.incrementAndGet();
                        }
                    });
                    receiving.countDown();
                    assertEquals("late", new String(s.recv(100), StandardCharsets.US_ASCII));
                    ticker.kill();
                    return ticked.get();
                }
            });
            peer.join();
            assertTrue(ticks >= 5, "the hub ran nothing else while recv waited 300 ms (" + ticks + " ticks): it spun");
        }
    }

    @Test
    void dataLeftAfterATimedOutReadIsReadByTheNextOne() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll(bytes("a"));
            assertEquals("a", new String(p[1].recv(100), StandardCharsets.US_ASCII)); // short: the next recv waits first
            p[1].setTimeout(Duration.ofMillis(50));
            Greenlet<byte[]> reader = Gevent.spawn(() -> p[1].recv(100));
            Gevent.sleep(0.01);
            p[0].sendAll(bytes("b"));
            long end = System.nanoTime() + 200_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // holds the hub: the timeout and the readiness come in one iteration
            }
            reader.join();
            p[1].setTimeout(BOUND);
            byte[] got = reader.successful() ? reader.get() : p[1].recv(100);
            assertEquals("b", new String(got, StandardCharsets.US_ASCII));
            p[0].close();
            p[1].close();
        });
    }
}
