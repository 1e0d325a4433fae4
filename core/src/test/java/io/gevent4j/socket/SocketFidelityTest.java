package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviours of gevent's own tests (test__socket.py, test__ssl.py, test__socket_close.py)
 * where gevent4j once differed; each test names the gevent test it ports.
 */
class SocketFidelityTest {

    /** The reader's sleeps are far shorter than the timeout, so only a bound on the whole call can end it. */
    private static final int READER_ROUNDS = 400;

    /**
     * A peer that drains 4 KB every 10 ms: each wait of the writer is short, so only a
     * bound on the whole call stops it. Returns how many rounds the reader had done.
     */
    private static Greenlet<Integer> slowReader(ByteChannel peer) {
        return Gevent.spawn(() -> {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int rounds = 0;
            while (rounds < READER_ROUNDS && peer.read(buf.clear()) > 0) {
                rounds++;
                Gevent.sleep(0.01);
            }
            return rounds;
        });
    }

    /** Ports test__socket.py TestTCP.test_sendall_timeout, with a peer that keeps reading slowly. */
    @Test
    void testSendallTimeout() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (StreamSocket client = pair[0]; StreamSocket server = pair[1]) {
                Greenlet<Integer> reader = slowReader(server);
                client.setTimeout(Duration.ofMillis(300));
                ByteBuffer data = ByteBuffer.allocate(64 << 20);
                assertThrows(SocketTimeoutException.class, () -> client.sendAll(data));
                assertTrue(data.position() < data.limit(), "stopped before the end");
                assertFalse(reader.ready(), "the timeout ended the call while the peer was still reading");
                reader.kill();
            }
        });
    }

    /** Ports test__ssl.py TestSSL.test_sendall_timeout (inherited from TestTCP): the same over TLS. */
    @Test
    void testSslSendallTimeout() {
        FreshHub.run(() -> {
            TestCerts certs = TestCerts.get();
            StreamSocket[] pair = Net.pair();
            try (TlsSocket client = TlsSocket.client(pair[0], certs.client, "localhost");
                 TlsSocket server = TlsSocket.server(pair[1], certs.localhostServer)) {
                Greenlet<Void> handshake = Gevent.spawn(() -> {
                    server.handshake();
                    return null;
                });
                client.handshake();
                handshake.get();
                Greenlet<Integer> reader = slowReader(server);
                pair[0].setTimeout(Duration.ofMillis(300));
                ByteBuffer data = ByteBuffer.allocate(16 << 20);
                assertThrows(SocketTimeoutException.class, () -> client.sendAll(data));
                assertTrue(data.position() < data.limit(), "stopped before the end");
                assertFalse(reader.ready(), "the timeout ended the call while the peer was still reading");
                reader.kill();
            }
        });
    }

    /** A connect to {@code port} on loopback is refused, and the port can be bound again at once. */
    private static void assertPortFree(int port) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            assertThrows(java.net.ConnectException.class,
                    () -> s.connect(new InetSocketAddress(Net.LOOPBACK, port), 10_000));
        }
        try (java.nio.channels.ServerSocketChannel again = java.nio.channels.ServerSocketChannel.open()) {
            again.bind(new InetSocketAddress(Net.LOOPBACK, port));
        }
    }

    /** A greenlet that waits to accept on {@code server}, so its channel is registered in the selector. */
    private static Greenlet<StreamSocket> acceptor(ListeningSocket server) {
        return Gevent.spawn(server::accept);
    }

    /** Ports test__server.py _test_server_start_stop's assertConnectionRefused: close() frees the port at once. */
    @Test
    void testServerStartStop() {
        FreshHub.run(() -> {
            ListeningSocket server = Net.listen();
            int port = Net.addressOf(server).getPort();
            Greenlet<StreamSocket> accepting = acceptor(server);
            Gevent.sleep(0.01);
            server.close();
            assertPortFree(port);
            assertInstanceOf(AsynchronousCloseException.class,
                    assertThrows(CompletionException.class, accepting::get).getCause());

            UdpSocket udp = UdpSocket.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(Net.LOOPBACK, 0));
            int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            Greenlet<Object> receiving = Gevent.spawn(() -> udp.receive(ByteBuffer.allocate(16)));
            Gevent.sleep(0.01);
            udp.close();
            try (DatagramChannel again = DatagramChannel.open(StandardProtocolFamily.INET)) {
                again.bind(new InetSocketAddress(Net.LOOPBACK, udpPort));
            }
            assertThrows(CompletionException.class, receiving::get);
        });
    }

    /** The same from another thread, while the hub's loop runs: close() returns with the port free. */
    @Test
    void testServerStopFromAnotherThread() {
        FreshHub.run(() -> {
            ListeningSocket server = Net.listen();
            int port = Net.addressOf(server).getPort();
            Greenlet<StreamSocket> accepting = acceptor(server);
            Gevent.sleep(0.01);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    server.close();
                    assertPortFree(port);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            while (other.isAlive()) {
                Gevent.sleep(0.01);
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            assertInstanceOf(AsynchronousCloseException.class,
                    assertThrows(CompletionException.class, accepting::get).getCause());
            assertTrue(server.isClosed());
        });
    }

    /** And after the thread that owned the hub has ended, so nothing runs its loop any more. */
    @Test
    void testServerStopAfterItsHubThreadEnded() throws Exception {
        AtomicReference<ListeningSocket> made = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().start(() -> {
            try {
                ListeningSocket server = Net.listen();
                acceptor(server);
                Gevent.sleep(0.01);
                made.set(server);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        owner.join(FreshHub.LIMIT.toMillis());
        ListeningSocket server = made.get();
        int port = Net.addressOf(server).getPort();
        server.close();
        assertPortFree(port);
    }
}
