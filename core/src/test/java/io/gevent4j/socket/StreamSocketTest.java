package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Watcher;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamSocketTest {

    @Test
    void theMainThreadAndAGreenletBothTalkLinesThroughBufferedReaders() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            Greenlet<Void> echo = Gevent.spawn(() -> {
                BufferedReader in = new BufferedReader(new InputStreamReader(p[1].getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(new OutputStreamWriter(p[1].getOutputStream(), StandardCharsets.UTF_8), true);
                String line;
                while ((line = in.readLine()) != null) {
                    out.println("echo " + line);
                }
                return null;
            });
            BufferedReader in = new BufferedReader(new InputStreamReader(p[0].getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(new OutputStreamWriter(p[0].getOutputStream(), StandardCharsets.UTF_8), true);
            for (int i = 0; i < 20; i++) {
                out.println("line " + i);
                assertEquals("echo line " + i, in.readLine());
            }
            p[0].shutdownOutput();
            echo.join();
            assertTrue(echo.successful());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void echoBetweenTwoGreenletsOfOneHub() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                InetSocketAddress address = Net.addressOf(server);
                Greenlet<Void> echo = Gevent.spawn(() -> {
                    try (StreamSocket conn = server.accept()) {
                        ByteBuffer buf = ByteBuffer.allocate(1024);
                        while (conn.read(buf) > 0) {
                            buf.flip();
                            conn.sendAll(buf);
                            buf.clear();
                        }
                    }
                    return null;
                });
                try (StreamSocket client = StreamSocket.open(address)) {
                    assertTrue(client.isConnected());
                    assertEquals(address, client.getRemoteAddress());
                    for (int i = 0; i < 100; i++) {
                        byte[] msg = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                        client.sendAll(msg);
                        ByteBuffer reply = ByteBuffer.allocate(msg.length);
                        while (reply.hasRemaining()) {
                            assertTrue(client.read(reply) > 0);
                        }
                        assertArrayEquals(msg, reply.array());
                    }
                    client.shutdownOutput();
                    assertEquals(0, client.recv(10).length, "end of stream after the echo closed");
                }
                echo.get();
            }
        });
    }

    @Test
    void streamsRunLineAndDataProtocolsUnchanged() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            Greenlet<Void> server = Gevent.spawn(() -> {
                var in = new BufferedReader(new InputStreamReader(p[1].getInputStream(), StandardCharsets.UTF_8));
                var out = new PrintWriter(new OutputStreamWriter(p[1].getOutputStream(), StandardCharsets.UTF_8), true);
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line.toUpperCase());
                }
                var data = new DataOutputStream(p[1].getOutputStream());
                data.writeLong(42L);
                data.writeUTF("bye");
                p[1].close();
                return null;
            });
            // the client runs in a greenlet too: readers lock a monitor while they read, and a
            // hub's main thread that blocks holding a monitor pins the greenlets it runs
            Gevent.spawn(() -> {
            var out = new PrintWriter(new OutputStreamWriter(p[0].getOutputStream(), StandardCharsets.UTF_8), true);
            var in = new BufferedReader(new InputStreamReader(p[0].getInputStream(), StandardCharsets.UTF_8));
            out.println("hello");
            assertEquals("HELLO", in.readLine());
            out.println("wörld");
            assertEquals("WÖRLD", in.readLine());
            p[0].shutdownOutput();
            server.get();
            var data = new DataInputStream(p[0].getInputStream());
            assertEquals(42L, data.readLong());
            assertEquals("bye", data.readUTF());
            assertEquals(-1, data.read());
            p[0].getInputStream().close();
            assertTrue(p[0].isClosed(), "closing the stream closes the socket, as java.net.Socket");
            return null;
            }).get();
        });
    }

    @Test
    void socketTimeoutThrowsAndLeavesTheSocketUsable() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].setTimeout(Duration.ofMillis(50));
            ByteBuffer buf = ByteBuffer.allocate(16);
            var e = assertThrows(SocketTimeoutException.class, () -> p[0].read(buf));
            assertEquals("timed out", e.getMessage());
            assertThrows(SocketTimeoutException.class, () -> p[0].getInputStream().read());
            p[1].sendAll("x".getBytes());
            assertEquals(1, p[0].read(buf));
            p[0].setTimeout(Duration.ZERO);
            assertThrows(SocketTimeoutException.class, () -> p[0].read(buf), "zero: never waits");
            assertThrows(IllegalArgumentException.class, () -> p[0].setTimeout(Duration.ofSeconds(-1)));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void timeoutBlockAndKillDuringReadLeaveTheSocketUsable() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            ByteBuffer buf = ByteBuffer.allocate(16);
            assertFalse(Timeout.run(Duration.ofMillis(30), () -> {
                try {
                    p[0].read(buf);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }));
            Greenlet<Integer> reader = Gevent.spawn(() -> p[0].read(buf));
            Gevent.sleep(0.01);
            reader.kill();
            assertTrue(reader.isDead() && reader.killed(), "killed in its wait");
            Greenlet<Integer> second = Gevent.spawn(() -> p[0].read(buf));
            Gevent.sleep(0.01);
            p[1].sendAll("abc".getBytes());
            assertEquals(3, second.get());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aGreenletParkedInRecvIsReachedByTimeoutsKillsAConcurrentRecvAndCloses() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].setTimeout(Duration.ofMillis(30));
            assertEquals("timed out", assertThrows(SocketTimeoutException.class, () -> p[0].recv(16)).getMessage());
            p[0].setTimeout(null);
            assertFalse(Timeout.run(Duration.ofMillis(30), () -> {
                try {
                    p[0].recv(16);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }));
            Greenlet<byte[]> killed = Gevent.spawn(() -> p[0].recv(16));
            Gevent.sleep(0.01);
            killed.kill();
            assertTrue(killed.isDead() && killed.killed(), "killed in its wait");
            Greenlet<byte[]> reader = Gevent.spawn(() -> p[0].recv(16));
            Gevent.sleep(0.01);
            assertThrows(ConcurrentObjectUseException.class, () -> p[0].recv(16));
            p[1].sendAll("abc".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), reader.get(), "the socket stayed usable");
            Greenlet<byte[]> closedByAGreenlet = Gevent.spawn(() -> p[0].recv(16));
            Gevent.sleep(0.01);
            p[0].close();
            assertInstanceOf(AsynchronousCloseException.class,
                    assertThrows(CompletionException.class, closedByAGreenlet::get).getCause());
            p[1].close();
            StreamSocket[] q = Net.pair();
            Greenlet<byte[]> closedByAThread = Gevent.spawn(() -> q[0].recv(16));
            Gevent.sleep(0.01);
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    q[0].close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertInstanceOf(AsynchronousCloseException.class,
                    assertThrows(CompletionException.class, closedByAThread::get).getCause());
            closer.join();
            q[1].close();
        });
    }

    @Test
    void twoReadersOfOneSocketIsConcurrentUse() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            Greenlet<Integer> first = Gevent.spawn(() -> p[0].read(ByteBuffer.allocate(4)));
            Gevent.sleep(0.01);
            var e = assertThrows(ConcurrentObjectUseException.class, () -> p[0].read(ByteBuffer.allocate(4)));
            assertTrue(e.getMessage().contains("already used by another greenlet"), e.getMessage());
            Greenlet<Void> writer = Gevent.spawn(() -> {
                p[0].sendAll("w".getBytes());
                return null;
            });
            writer.get();
            assertEquals(1, p[1].read(ByteBuffer.allocate(4)), "a reader and a writer may wait at once");
            p[1].sendAll("z".getBytes());
            assertEquals(1, first.get(), "the first reader kept waiting and got the data");
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void closeWakesWaitersWithAnError() {
        FreshHub.run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            StreamSocket[] p = Net.pair();
            Greenlet<Integer> reader = Gevent.spawn(() -> p[0].read(ByteBuffer.allocate(4)));
            try (ListeningSocket server = Net.listen()) {
                Greenlet<StreamSocket> acceptor = Gevent.spawn(server::accept);
                Gevent.sleep(0.01);
                p[0].close();
                server.close();
                var e = assertThrows(CompletionException.class, reader::get);
                assertInstanceOf(AsynchronousCloseException.class, e.getCause());
                e = assertThrows(CompletionException.class, acceptor::get);
                assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            }
            assertEquals(2, reported.size(), "each failed greenlet reported once");
            assertThrows(ClosedChannelException.class, () -> p[0].read(ByteBuffer.allocate(4)));
            assertThrows(ClosedChannelException.class, () -> p[0].sendAll(new byte[1]));
            p[0].close();
            assertEquals(-1, p[1].read(ByteBuffer.allocate(4)), "the peer sees the close");
            p[1].close();
        });
    }

    @Test
    void recvWaitsForEachChunkAndEndsWithAnEmptyArray() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            Greenlet<List<String>> reader = Gevent.spawn(() -> {
                List<String> chunks = new ArrayList<>();
                byte[] data;
                while ((data = p[1].recv(4096)).length > 0) {
                    chunks.add(new String(data, StandardCharsets.US_ASCII));
                }
                return chunks;
            });
            Gevent.sleep(0.01);
            assertFalse(reader.ready(), "recv waits while nothing arrived");
            p[0].sendAll("first".getBytes(StandardCharsets.US_ASCII));
            Gevent.sleep(0.01);
            p[0].sendAll("second".getBytes(StandardCharsets.US_ASCII));
            Gevent.sleep(0.01);
            p[0].close();
            assertEquals(List.of("first", "second"), reader.get());
            p[1].close();
        });
    }

    @Test
    void recvOfLessThanWasSentLeavesTheRestForTheNextRecv() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("abcdef".getBytes(StandardCharsets.US_ASCII));
            Gevent.sleep(0.01);
            assertArrayEquals("abcd".getBytes(StandardCharsets.US_ASCII), p[1].recv(4));
            assertArrayEquals("ef".getBytes(StandardCharsets.US_ASCII), p[1].recv(4));
            p[1].setTimeout(Duration.ZERO);
            assertThrows(SocketTimeoutException.class, () -> p[1].recv(4), "nothing left: a zero timeout throws");
            assertThrows(IllegalArgumentException.class, () -> p[1].recv(0));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void recvsOnSocketsOfOneHubReturnArraysOfTheirOwnWhateverTheirSize() {
        FreshHub.run(() -> {
            StreamSocket[] a = Net.pair();
            StreamSocket[] b = Net.pair();
            a[0].sendAll("from a".getBytes(StandardCharsets.US_ASCII));
            b[0].sendAll("b".getBytes(StandardCharsets.US_ASCII));
            byte[] fromA = a[1].recv(4096);
            byte[] fromB = b[1].recv(4096);
            assertArrayEquals("from a".getBytes(StandardCharsets.US_ASCII), fromA, "a later recv on another socket leaves it as it was");
            assertArrayEquals("b".getBytes(StandardCharsets.US_ASCII), fromB);

            byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            Greenlet<Void> writer = Gevent.spawn(() -> {
                a[0].sendAll(big);
                a[0].shutdownOutput();
                return null;
            });
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int[] sizes = {70_000, 10, 100_000};
            byte[] data;
            for (int i = 0; (data = a[1].recv(sizes[i % sizes.length])).length > 0; i++) {
                assertTrue(data.length <= sizes[i % sizes.length], "recv(" + sizes[i % sizes.length] + ") returned " + data.length);
                got.write(data);
            }
            writer.get();
            assertArrayEquals(big, got.toByteArray(), "recvs below and above the hub's buffer size return the bytes in order");
            for (StreamSocket s : new StreamSocket[] {a[0], a[1], b[0], b[1]}) {
                s.close();
            }
        });
    }

    @Test
    void aGreenletEndedByItsHubsCloseCanStillRecvInItsFinallyBlock() {
        AtomicReference<Object> lastRecv = new AtomicReference<>();
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("last words".getBytes(StandardCharsets.US_ASCII));
            Gevent.spawn(() -> {
                try {
                    Gevent.sleep(60);
                } finally {
                    try {
                        lastRecv.set(new String(p[1].recv(4096), StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        lastRecv.set(e);
                    }
                    p[0].close();
                    p[1].close();
                }
                return null;
            });
            Gevent.sleep(0);
            Hub.current().close();
        });
        assertEquals("last words", lastRecv.get(), "the first recv of a socket while its hub closes");
    }

    @Test
    void halfCloseLetsThePeerAnswerAfterEndOfStream() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("question".getBytes());
            p[0].shutdownOutput();
            assertThrows(ClosedChannelException.class, () -> p[0].sendAll("more".getBytes()),
                    "the writing half is shut, as a JDK channel's");
            byte[] all = p[1].getInputStream().readAllBytes();
            assertEquals("question", new String(all));
            p[1].sendAll("answer".getBytes());
            p[1].close();
            assertEquals("answer", new String(p[0].getInputStream().readAllBytes()));
            p[0].close();
        });
    }

    @Test
    void createConnectionWithTimeoutSourceAndOptions() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                var source = new InetSocketAddress(Net.LOOPBACK, 0);
                try (StreamSocket s = Sockets.createConnection(Net.addressOf(server), Duration.ofSeconds(5), source)) {
                    assertEquals(Duration.ofSeconds(5), s.getTimeout(), "the timeout stays on the socket");
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    assertTrue(s.getOption(StandardSocketOptions.TCP_NODELAY));
                    try (StreamSocket accepted = server.accept()) {
                        assertEquals(s.getLocalAddress(), accepted.getRemoteAddress());
                    }
                }
                var unresolved = InetSocketAddress.createUnresolved("localhost", Net.addressOf(server).getPort());
                try (StreamSocket s = Sockets.createConnection(unresolved, null, null)) {
                    assertTrue(s.isConnected());
                }
                assertThrows(IllegalArgumentException.class,
                        () -> StreamSocket.open(InetSocketAddress.createUnresolved("localhost", 1)));
            }
        });
    }

    @Test
    void connectToAClosedPortIsRefusedAndTheHubKeepsServing() {
        FreshHub.run(() -> {
            int port;
            try (ListeningSocket server = Net.listen()) {
                port = Net.addressOf(server).getPort();
            }
            AtomicInteger ticks = new AtomicInteger();
            Greenlet<Void> ticker = Gevent.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    ticks.incrementAndGet();
                    Gevent.sleep(0);
                }
            });
            assertThrows(ConnectException.class,
                    () -> Sockets.createConnection(new InetSocketAddress(Net.LOOPBACK, port), Duration.ofSeconds(5), null));
            ticker.join();
            assertEquals(3, ticks.get());
            StreamSocket[] p = Net.pair();
            p[0].sendAll("ok".getBytes());
            assertEquals(2, p[1].read(ByteBuffer.allocate(4)));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void peerResetMidReadIsASocketException() {
        FreshHub.run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            StreamSocket[] p = Net.pair();
            Greenlet<Integer> reader = Gevent.spawn(() -> {
                ByteBuffer buf = ByteBuffer.allocate(4);
                int total = 0;
                while (true) {
                    int n = p[0].read(buf.clear());
                    if (n < 0) {
                        return total;
                    }
                    total += n;
                }
            });
            p[1].sendAll("abc".getBytes());
            Gevent.sleep(0.02);
            p[1].setOption(StandardSocketOptions.SO_LINGER, 0);
            p[1].close();
            var e = assertThrows(CompletionException.class, reader::get);
            assertInstanceOf(SocketException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("reset"), e.getCause().getMessage());
            assertEquals(List.of(e.getCause()), reported);
            p[0].close();
        });
    }

    @Test
    void writeToAPeerThatNeverReadsParksWithoutSpinning() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            AtomicInteger ticks = new AtomicInteger();
            Greenlet<Void> ticker = Gevent.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    Gevent.sleep(0.02);
                    ticks.incrementAndGet();
                }
            });
            Greenlet<Void> writer = Gevent.spawn(() -> {
                p[0].sendAll(ByteBuffer.allocate(64 << 20));
                return null;
            });
            Gevent.sleep(0.3);
            long before = Hub.current().loop().iteration();
            Gevent.sleep(0.3);
            long iterations = Hub.current().loop().iteration() - before;
            assertFalse(writer.ready(), "the writer is parked on the full socket");
            assertTrue(iterations < 200, "the loop slept while the writer waited: " + iterations + " iterations in 0.3 s");
            ticker.join();
            assertEquals(5, ticks.get(), "other greenlets ran meanwhile");
            assertFalse(writer.ready(), "the writer is still parked");
            p[0].setTimeout(Duration.ofMillis(50));
            writer.kill();
            var e = assertThrows(SocketTimeoutException.class, () -> p[0].sendAll(ByteBuffer.allocate(64 << 20)));
            assertEquals("timed out", e.getMessage());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void unixDomainSockets() {
        FreshHub.run(() -> {
            Path dir = Files.createTempDirectory("gevent4j-unix");
            Path file = dir.resolve("echo.sock");
            try (ListeningSocket server = ListeningSocket.bind(UnixDomainSocketAddress.of(file))) {
                Greenlet<Void> echo = Gevent.spawn(() -> {
                    try (StreamSocket c = server.accept()) {
                        c.getOutputStream().write(c.getInputStream().readAllBytes());
                    }
                    return null;
                });
                try (StreamSocket c = StreamSocket.open(UnixDomainSocketAddress.of(file))) {
                    c.sendAll("over unix".getBytes());
                    c.shutdownOutput();
                    assertEquals("over unix", new String(c.getInputStream().readAllBytes()));
                }
                echo.get();
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        });
    }

    @Test
    void manyConnectionsOnOneHub() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                List<Greenlet<?>> all = new ArrayList<>();
                all.add(Gevent.spawn(() -> {
                    for (int i = 0; i < 200; i++) {
                        StreamSocket c = server.accept();
                        Gevent.spawn(() -> {
                            try (c) {
                                c.getOutputStream().write(c.getInputStream().readNBytes(4));
                            }
                            return null;
                        });
                    }
                    return null;
                }));
                AtomicInteger ok = new AtomicInteger();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    all.add(Gevent.spawn(() -> {
                        try (StreamSocket c = StreamSocket.open(Net.addressOf(server))) {
                            byte[] msg = ByteBuffer.allocate(4).putInt(n).array();
                            c.sendAll(msg);
                            assertArrayEquals(msg, c.getInputStream().readNBytes(4));
                            ok.incrementAndGet();
                        }
                        return null;
                    }));
                }
                Gevent.joinAll(all);
                for (Greenlet<?> g : all) {
                    g.get();
                }
                assertEquals(200, ok.get());
            }
        });
    }

    @Test
    void useFromAnotherHubIsRefused() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    p[0].read(ByteBuffer.allocate(1));
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            other.start();
            other.join();
            assertInstanceOf(IllegalStateException.class, error.get());
            assertNotNull(error.get().getMessage());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void writeNowNeverWaitsAndTheWritableWatcherFiresOnceThePeerReads() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 10);
            long written = 0;
            int n;
            int writes = 0;
            while ((n = p[0].writeNow(chunk.clear())) > 0 && writes++ < 10_000) {
                written += n;
            }
            assertEquals(0, n, "the send buffer filled up and writeNow returned 0 rather than waiting");
            Watcher writable = p[0].writableWatcher();
            try {
                assertFalse(writable.isActive(), "made stopped");
                AtomicInteger fired = new AtomicInteger();
                writable.start(() -> {
                    fired.incrementAndGet();
                    writable.stop();
                });
                Gevent.sleep(0.05);
                assertEquals(0, fired.get(), "not writable while the peer reads nothing");
                p[1].setTimeout(Duration.ofSeconds(10));
                ByteBuffer sink = ByteBuffer.allocate(64 << 10);
                for (long read = 0; read < written; read += p[1].read(sink.clear())) {
                    if (fired.get() > 0) {
                        break;
                    }
                }
                for (int i = 0; i < 1000 && fired.get() == 0; i++) {
                    Gevent.sleep(0.01);
                }
                assertEquals(1, fired.get(), "fired once the peer read");
                assertTrue(p[0].writeNow(ByteBuffer.wrap(new byte[] {1})) == 1);
            } finally {
                writable.close();
            }
            p[0].close();
            p[1].close();
        });
    }
}
