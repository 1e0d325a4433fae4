package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
                ByteBuffer data = ByteBuffer.allocate(64 << 20);
                assertThrows(SocketTimeoutException.class, () -> client.sendAll(data));
                assertTrue(data.position() < data.limit(), "stopped before the end");
                assertFalse(reader.ready(), "the timeout ended the call while the peer was still reading");
                reader.kill();
            }
        });
    }
}
