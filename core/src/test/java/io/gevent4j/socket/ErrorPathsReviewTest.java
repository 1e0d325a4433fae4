package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors, half-closes, addresses and options, as the JDK's channels have them, whatever the socket is made of. */
class ErrorPathsReviewTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void theAddressOfAPeerThatResetBeforeTheAcceptIsKnown() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                StreamSocket client = StreamSocket.open(Net.addressOf(server));
                InetSocketAddress clientAddress = (InetSocketAddress) client.getLocalAddress();
                client.setOption(StandardSocketOptions.SO_LINGER, 0);
                client.close(); // a reset, before the server accepts
                Gevent.sleep(0.05);
                DetachedSocket accepted = server.acceptDetached();
                try (StreamSocket conn = StreamSocket.adopt(accepted)) {
                    assertEquals(clientAddress, accepted.remoteAddress(), "as the accept found it");
                }
            }
        });
    }

    @Test
    void aResetIsAConnectionResetSocketException() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[1].setTimeout(BOUND);
            Greenlet<byte[]> reader = Gevent.spawn(() -> p[1].recv(100));
            Gevent.sleep(0.05);
            p[0].setOption(StandardSocketOptions.SO_LINGER, 0);
            p[0].close();
            reader.join();
            assertInstanceOf(SocketException.class, reader.exception());
            assertEquals("Connection reset", reader.exception().getMessage());
            p[1].close();
        });
    }

    @Test
    void writingToAClosedPeerEndsInAnIOExceptionNotASignal() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[1].close();
            p[0].setTimeout(BOUND);
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    p[0].sendAll(new byte[64 * 1024]);
                    Gevent.sleep(0.001);
                }
            });
            assertTrue(e instanceof SocketException || e.getMessage().contains("Broken pipe")
                    || e.getMessage().contains("reset"), e.toString());
            p[0].close();
        });
    }

    @Test
    void halfClosesBothWays() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].setTimeout(BOUND);
            p[1].setTimeout(BOUND);
            p[0].sendAll(bytes("question"));
            p[0].shutdownOutput();
            assertEquals("question", new String(p[1].recv(100), StandardCharsets.US_ASCII));
            assertEquals(0, p[1].recv(100).length);
            assertEquals(-1, p[1].read(ByteBuffer.allocate(10)), "end of stream again");
            p[1].sendAll(bytes("answer"));
            p[1].shutdownOutput();
            assertEquals("answer", new String(p[0].recv(100), StandardCharsets.US_ASCII));
            assertEquals(0, p[0].recv(100).length);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void ipv6LoopbackEchoesAndKnowsItsAddresses() {
        FreshHub.run(() -> {
            InetAddress v6 = InetAddress.getByName("::1");
            try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress(v6, 0))) {
                InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
                assertInstanceOf(Inet6Address.class, address.getAddress());
                try (StreamSocket client = StreamSocket.open(address); StreamSocket conn = server.accept()) {
                    conn.setTimeout(BOUND);
                    client.setTimeout(BOUND);
                    assertEquals(address, client.getRemoteAddress());
                    assertEquals(client.getLocalAddress(), conn.getRemoteAddress());
                    client.sendAll(bytes("six"));
                    assertEquals("six", new String(conn.recv(10), StandardCharsets.US_ASCII));
                    conn.setOption(StandardSocketOptions.IP_TOS, 0x20);
                    assertEquals(0x20, conn.getOption(StandardSocketOptions.IP_TOS));
                }
            }
        });
    }

    @Test
    void anIpv4PeerOfADualStackSocketLooksLikeIpv4() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen(); StreamSocket client = StreamSocket.open()) {
                client.connect(Net.addressOf(server));
                try (StreamSocket conn = server.accept()) {
                    assertEquals(Net.addressOf(server), client.getRemoteAddress());
                    assertEquals(Net.LOOPBACK, ((InetSocketAddress) client.getLocalAddress()).getAddress());
                    assertEquals(client.getLocalAddress(), conn.getRemoteAddress());
                }
            }
        });
    }

    @Test
    void optionsRoundTrip() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            StreamSocket s = p[0];
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(s.getOption(StandardSocketOptions.TCP_NODELAY));
            s.setOption(StandardSocketOptions.TCP_NODELAY, false);
            assertFalse(s.getOption(StandardSocketOptions.TCP_NODELAY));
            s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            assertTrue(s.getOption(StandardSocketOptions.SO_KEEPALIVE));
            s.setOption(StandardSocketOptions.SO_LINGER, 5);
            assertEquals(5, s.getOption(StandardSocketOptions.SO_LINGER));
            s.setOption(StandardSocketOptions.SO_LINGER, -1);
            assertEquals(-1, s.getOption(StandardSocketOptions.SO_LINGER));
            s.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
            assertTrue(s.getOption(StandardSocketOptions.SO_RCVBUF) >= 65536);
            s.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
            assertTrue(s.getOption(StandardSocketOptions.SO_SNDBUF) >= 65536);
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.SO_RCVBUF, -1));
            assertThrows(UnsupportedOperationException.class, () -> s.setOption(StandardSocketOptions.SO_BROADCAST, true));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void failuresLeakNoDescriptor() {
        FreshHub.run(() -> {
            int closedPort;
            try (ListeningSocket s = Net.listen()) {
                closedPort = Net.addressOf(s).getPort();
            }
            try (ListeningSocket taken = Net.listen()) {
                InetSocketAddress inUse = Net.addressOf(taken);
                for (int round = 0; round < 2; round++) {
                    long before = openFds();
                    for (int i = 0; i < 20; i++) {
                        assertThrows(ConnectException.class,
                                () -> StreamSocket.open(new InetSocketAddress(Net.LOOPBACK, closedPort)));
                        assertThrows(BindException.class, () -> ListeningSocket.bind(inUse));
                        StreamSocket unbound = StreamSocket.open();
                        assertThrows(BindException.class, () -> unbound.bind(inUse));
                        unbound.close();
                        StreamSocket[] p = Net.pair();
                        p[0].setTimeout(Duration.ofMillis(1));
                        assertThrows(java.net.SocketTimeoutException.class, () -> p[0].recv(1));
                        p[0].close();
                        p[1].close();
                    }
                    Gevent.sleep(0.05);
                    long after = openFds();
                    assertTrue(round == 0 || after <= before, "descriptors before " + before + ", after " + after);
                }
            }
        });
    }

    @Test
    void anAcceptedSocketKnowsBothAddresses() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen();
                 StreamSocket client = StreamSocket.open(Net.addressOf(server));
                 StreamSocket conn = server.accept()) {
                assertNotNull(conn.getLocalAddress());
                assertEquals(Net.addressOf(server), conn.getLocalAddress());
                assertEquals(client.getLocalAddress(), conn.getRemoteAddress());
                assertTrue(conn.isConnected());
            }
        });
    }

    /** Closes {@code s} from another thread and returns once that close returned, without letting the hub run. */
    private static void closeFromAnotherThreadHoldingTheHub(AbstractSocket s) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread.ofPlatform().start(() -> {
            try {
                s.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                done.set(true);
            }
        });
        while (!done.get()) {
            Thread.onSpinWait(); // no switch: the hub has not run the rest of the close yet
        }
    }

    @Test
    void addressesOfASocketClosedByAnotherThreadAreAClosedChannelError() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            closeFromAnotherThreadHoldingTheHub(p[0]);
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(p[0]::getLocalAddress,
                    p[0]::getRemoteAddress)) {
                Throwable t = assertThrows(Throwable.class, call);
                assertInstanceOf(IOException.class, t, "what the JDK channel throws: ClosedChannelException");
            }
            p[0].isConnected();
            Gevent.sleep(0.01);
            assertTrue(p[0].isClosed());
            p[1].close();
        });
    }

    @Test
    void aListeningSocketClosedByAnotherThreadFreesItsPortAtOnceAndWakesItsAcceptor() {
        FreshHub.run(() -> {
            ListeningSocket server = Net.listen();
            InetSocketAddress address = Net.addressOf(server);
            Greenlet<StreamSocket> acceptor = Gevent.spawn(server::accept);
            Gevent.sleep(0.05); // it waits
            java.util.concurrent.atomic.AtomicReference<Throwable> rebind = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread.ofPlatform().start(() -> {
                try {
                    server.close();
                    java.nio.channels.ServerSocketChannel.open().bind(address).close();
                } catch (Throwable t) {
                    rebind.set(t);
                } finally {
                    done.set(true);
                }
            });
            while (!done.get()) {
                Thread.onSpinWait(); // the hub does not run meanwhile: the port must be free without it
            }
            assertEquals(null, rebind.get(), "the port was free once close() returned");
            acceptor.join();
            assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, acceptor.exception());
        });
    }

    @Test
    void aReadIntoAReadOnlyBufferIsRefused() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll(bytes("data"));
            ByteBuffer direct = ByteBuffer.allocateDirect(10);
            ByteBuffer heap = ByteBuffer.allocate(10);
            p[1].setTimeout(BOUND);
            assertThrows(IllegalArgumentException.class, () -> p[1].read(direct.asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> p[1].read(heap.asReadOnlyBuffer()));
            assertEquals(0, direct.get(0), "nothing written behind the read-only view");
            assertEquals(4, p[1].read(heap), "the bytes are still there");
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void bindingToNullTakesAnAutomaticAddressAsTheJdkChannel() {
        FreshHub.run(() -> {
            try (StreamSocket s = StreamSocket.open()) {
                s.bind(null);
                InetSocketAddress local = (InetSocketAddress) s.getLocalAddress();
                assertNotNull(local);
                assertTrue(local.getPort() > 0);
            }
        });
    }

    @Test
    void misuseOfTheConnectionStateThrowsTheJdkChannelsExceptions() {
        FreshHub.run(() -> {
            try (StreamSocket unconnected = StreamSocket.open()) {
                assertThrows(java.nio.channels.NotYetConnectedException.class, () -> unconnected.read(ByteBuffer.allocate(1)));
                assertThrows(java.nio.channels.NotYetConnectedException.class, () -> unconnected.recv(1));
                assertThrows(java.nio.channels.NotYetConnectedException.class, () -> unconnected.write(ByteBuffer.wrap(bytes("x"))));
                assertThrows(java.nio.channels.NotYetConnectedException.class, () -> unconnected.sendAll(bytes("x")));
                unconnected.bind(new InetSocketAddress(Net.LOOPBACK, 0));
                assertThrows(java.nio.channels.AlreadyBoundException.class,
                        () -> unconnected.bind(new InetSocketAddress(Net.LOOPBACK, 0)));
            }
            StreamSocket[] p = Net.pair();
            assertThrows(java.nio.channels.AlreadyConnectedException.class, () -> p[0].connect(p[1].getLocalAddress()));
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aDualStackListenerSeesItsIpv4PeersAsIpv4() {
        FreshHub.run(() -> {
            try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress(InetAddress.getByName("::"), 0))) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                try (StreamSocket client = StreamSocket.open(new InetSocketAddress(Net.LOOPBACK, port))) {
                    DetachedSocket accepted = server.acceptDetached();
                    assertEquals(client.getLocalAddress(), accepted.remoteAddress());
                    try (StreamSocket conn = StreamSocket.adopt(accepted)) {
                        assertEquals(client.getLocalAddress(), conn.getRemoteAddress());
                        assertEquals(new InetSocketAddress(Net.LOOPBACK, port), conn.getLocalAddress());
                    }
                }
            }
        });
    }
}
