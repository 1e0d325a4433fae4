package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * gevent4j's own sockets over file descriptors, where the edge-triggered loop and the system
 * calls differ from JDK channels: each test runs on a hub whose loop watches file descriptors
 * (skipped on the selector loop, where every socket is a JDK channel).
 */
class NativeSocketTest {

    private static void run(FreshHub.Body body) {
        FreshHub.run(() -> {
            assumeTrue(Hub.current().loop().watchesFds(), "the loop watches file descriptors");
            body.run();
        });
    }

    @Test
    void tcpSocketsAreOwnOnesWithoutAChannelAndUnixOnesStayChannels() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            try (ListeningSocket server = Net.listen()) {
                assertTrue(p[0].isNative() && p[1].isNative() && server.isNative());
                var e = assertThrows(UnsupportedOperationException.class, p[0]::channel);
                assertTrue(e.getMessage().contains("-Dgevent4j.loop=selector"), e.getMessage());
                assertThrows(UnsupportedOperationException.class, server::acceptChannel);
                assertEquals(p[1].getLocalAddress(), p[0].getRemoteAddress());
                assertEquals(p[0].getLocalAddress(), p[1].getRemoteAddress());
                assertTrue(p[0].isConnected());
            } finally {
                p[0].close();
                p[1].close();
            }
            try (StreamSocket unix = StreamSocket.open(java.net.StandardProtocolFamily.UNIX)) {
                assertFalse(unix.isNative());
            }
        });
    }

    @Test
    void closeReleasesTheDescriptorAtOnce() {
        run(() -> {
            List<StreamSocket> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                all.addAll(Arrays.asList(Net.pair()));
            }
            for (StreamSocket s : all) {
                assertTrue(isOpen(s.fd), "fd " + s.fd + " open");
                s.close();
                assertFalse(isOpen(s.fd), "fd " + s.fd + " released by close");
            }
        });
    }

    private static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    @Test
    void aMebibyteBothWaysAtOnce() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            byte[] one = new byte[1 << 20];
            byte[] two = new byte[1 << 20];
            for (int i = 0; i < one.length; i++) {
                one[i] = (byte) (i * 7);
                two[i] = (byte) (i * 13);
            }
            Greenlet<byte[]> readOne = Gevent.spawn(() -> readFully(p[1], one.length));
            Greenlet<byte[]> readTwo = Gevent.spawn(() -> readFully(p[0], two.length));
            Greenlet<Void> sendOne = Gevent.spawn(() -> {
                p[0].sendAll(one);
                return null;
            });
            Greenlet<Void> sendTwo = Gevent.spawn(() -> {
                p[1].sendAll(ByteBuffer.allocateDirect(two.length).put(two).flip());
                return null;
            });
            sendOne.get();
            sendTwo.get();
            assertArrayEquals(one, readOne.get());
            assertArrayEquals(two, readTwo.get());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aLargeHeapBufferTakesWhatIsQueuedPastTheHubsBufferAndThenWaits() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            try {
                byte[] sent = new byte[100_000];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = (byte) (i * 31);
                }
                p[0].sendAll(sent);
                Gevent.sleep(0.2); // loopback: the bytes are in p[1]'s queue by then
                ByteBuffer big = ByteBuffer.allocate(4 << 20);
                int n = p[1].read(big);
                assertTrue(n > RecvBuffer.SIZE, "one read took " + n + " bytes, past the hub's buffer");
                while (big.position() < sent.length) {
                    p[1].setTimeout(Duration.ofSeconds(30));
                    assertTrue(p[1].read(big) > 0);
                }
                assertArrayEquals(sent, Arrays.copyOf(big.array(), big.position()));
                Greenlet<Void> late = Gevent.spawn(() -> {
                    Gevent.sleep(0.1);
                    p[0].sendAll(new byte[] {42});
                    return null;
                });
                assertEquals(1, p[1].read(big), "after the queue was drained the read waits for the next byte");
                assertEquals(42, big.get(big.position() - 1));
                late.get();
            } finally {
                p[0].close();
                p[1].close();
            }
        });
    }

    private static byte[] readFully(StreamSocket s, int n) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(n);
        while (into.hasRemaining()) {
            byte[] got = s.recv(Math.min(into.remaining(), 5000));
            if (got.length == 0) {
                throw new AssertionError("end of stream after " + into.position() + " bytes");
            }
            into.put(got);
        }
        return into.array();
    }

    @Test
    void theEndOfStreamThatCameWithTheLastBytesIsSeenAfterAShortRead() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("last words".getBytes());
            p[0].shutdownOutput();
            Gevent.sleep(0.02); // the bytes and the end of stream arrive together: one edge
            p[1].setTimeout(Duration.ofSeconds(10));
            assertEquals("last words", new String(p[1].recv(100)));
            assertEquals(0, p[1].recv(100).length, "the short read did not hide the end of stream");
            p[1].sendAll("still open".getBytes());
            assertEquals("still open", new String(p[0].recv(100)), "half-closed: the other way still works");
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aPeerResetIsConnectionReset() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("unread".getBytes());
            Gevent.sleep(0.02);
            p[1].setOption(StandardSocketOptions.SO_LINGER, 0);
            p[1].close();
            p[0].setTimeout(Duration.ofSeconds(10));
            var e = assertThrows(SocketException.class, () -> p[0].recv(10));
            assertEquals("Connection reset", e.getMessage());
            p[0].close();
        });
    }

    @Test
    void optionsRoundTripAndUnsupportedOnesAreRefusedAsTheJdkDoes() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(p[0].getOption(StandardSocketOptions.TCP_NODELAY));
            p[0].setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            assertTrue(p[0].getOption(StandardSocketOptions.SO_KEEPALIVE));
            p[0].setOption(StandardSocketOptions.SO_LINGER, 3);
            assertEquals(3, p[0].getOption(StandardSocketOptions.SO_LINGER));
            p[0].setOption(StandardSocketOptions.IP_TOS, 0x08);
            assertEquals(0x08, p[0].getOption(StandardSocketOptions.IP_TOS));
            assertThrows(UnsupportedOperationException.class,
                    () -> p[0].getOption(StandardSocketOptions.SO_BROADCAST));
            try (ListeningSocket server = Net.listen()) {
                assertTrue(server.getOption(StandardSocketOptions.SO_REUSEADDR), "as gevent's servers");
                assertThrows(UnsupportedOperationException.class,
                        () -> server.setOption(StandardSocketOptions.TCP_NODELAY, true));
            }
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void ipv6Loopback() {
        run(() -> {
            InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
            try (ListeningSocket server = ListeningSocket.bind(any6);
                 StreamSocket client = StreamSocket.open((InetSocketAddress) server.getLocalAddress());
                 StreamSocket accepted = server.accept()) {
                assertEquals(InetAddress.getByName("::1"), ((InetSocketAddress) client.getRemoteAddress()).getAddress());
                client.sendAll("over v6".getBytes());
                assertEquals("over v6", new String(accepted.recv(100)));
            }
        });
    }

    @Test
    void aBurstOf200ConnectionsIsAcceptedWithoutWaitingThenTheAcceptWaits() {
        run(() -> {
            try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress(Net.LOOPBACK, 0), 256)) {
                List<StreamSocket> clients = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    clients.add(StreamSocket.open(Net.addressOf(server)));
                }
                server.setTimeout(Duration.ofSeconds(10));
                long polls = Hub.current().loop().polls();
                List<StreamSocket> accepted = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    accepted.add(server.accept());
                }
                assertTrue(Hub.current().loop().polls() - polls <= 1,
                        "the backlog was drained by accept4 calls, not one wait each");
                server.setTimeout(Duration.ofMillis(50));
                assertThrows(SocketTimeoutException.class, server::accept, "EAGAIN, then a wait that times out");
                for (StreamSocket s : accepted) {
                    s.close();
                }
                for (StreamSocket s : clients) {
                    s.close();
                }
            }
        });
    }

    @Test
    void waitAndSelectSeeDataThatArrivedBeforeTheWait() {
        run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("early".getBytes());
            Gevent.sleep(0.02); // the edge comes and goes while nobody waits
            assertEquals(List.of(p[1]), Gevent.wait(List.of(p[1]), Duration.ofSeconds(10)));
            assertEquals(List.of(p[1]), Gevent.wait(List.of(p[1]), Duration.ofSeconds(10)), "still readable");
            assertEquals(List.of(p[1]), Select.select(List.of(p[1]), List.of(), Duration.ofSeconds(10)).readable());
            Poll<StreamSocket> poll = new Poll<>();
            poll.register(p[1], Poll.IN);
            assertEquals(List.of(new Poll.Event<>(p[1], Poll.IN)), poll.poll(Duration.ofSeconds(10)));
            assertEquals("early", new String(p[1].recv(100)));
            assertEquals(List.of(), Gevent.wait(List.of(p[1]), Duration.ofMillis(20)), "read: nothing left");
            assertTrue(Select.select(List.of(p[1]), List.of(), Duration.ofMillis(20)).isEmpty());
            assertEquals(List.of(p[0]), Select.select(List.of(), List.of(p[0]), Duration.ofSeconds(10)).writable());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void closeFromAnotherThreadWakesTheReaderAndFreesThePort() {
        run(() -> {
            try (ListeningSocket server = Net.listen()) {
                InetSocketAddress address = Net.addressOf(server);
                StreamSocket client = StreamSocket.open(address);
                StreamSocket accepted = server.accept();
                Greenlet<byte[]> reader = Gevent.spawn(() -> accepted.recv(10));
                Gevent.sleep(0.01);
                Thread closer = Thread.ofPlatform().start(() -> {
                    try {
                        accepted.close();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                closer.join();
                client.setTimeout(Duration.ofSeconds(10));
                assertEquals(0, client.recv(10).length, "the peer saw the close at once");
                assertInstanceOf(AsynchronousCloseException.class,
                        assertThrows(CompletionException.class, reader::get).getCause());
                assertTrue(accepted.isClosed());
                assertFalse(isOpen(accepted.fd), "the hub released the number");
                client.close();
            }
        });
    }

    @Test
    void aDetachedDescriptorIsAdoptedElsewhereOrClosed() {
        run(() -> {
            try (ListeningSocket server = Net.listen();
                 StreamSocket first = StreamSocket.open(Net.addressOf(server));
                 StreamSocket second = StreamSocket.open(Net.addressOf(server))) {
                DetachedSocket one = server.acceptDetached();
                DetachedSocket two = server.acceptDetached();
                assertTrue(one.isFd() && two.isFd());
                try (StreamSocket adopted = StreamSocket.adopt(one)) {
                    first.sendAll("hi".getBytes());
                    assertEquals("hi", new String(adopted.recv(10)));
                }
                assertTrue(isOpen(two.fd()));
                two.close();
                assertFalse(isOpen(two.fd()), "closing an unadopted descriptor releases it");
                second.setTimeout(Duration.ofSeconds(10));
                assertEquals(0, second.recv(10).length);
            }
        });
    }

    @Test
    void aSocketClosedByAnotherThreadAfterItsHubClosedReleasesItsDescriptor() throws Exception {
        AtomicReference<StreamSocket[]> made = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().start(() -> {
            try {
                if (Hub.current().loop().watchesFds()) {
                    made.set(Net.pair());
                }
                Hub.current().close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        owner.join(FreshHub.LIMIT.toMillis());
        assumeTrue(made.get() != null, "the loop watches file descriptors");
        for (StreamSocket s : made.get()) {
            assertTrue(isOpen(s.fd));
            s.close();
            assertFalse(isOpen(s.fd), "fd " + s.fd + " released: its closed hub runs nothing any more");
        }
    }
}
