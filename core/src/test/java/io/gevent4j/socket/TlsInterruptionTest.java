package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A {@link TlsSocket} whose handshake, read or write a {@code Timeout} interrupts stays
 * usable, with nothing lost, duplicated or reordered, and a half-closed TLS 1.3 session
 * still carries the peer's reply.
 */
class TlsInterruptionTest {

    private static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.get();
    }

    @Test
    void aTimeoutMidHandshakeLeavesItResumable() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (TlsSocket client = TlsSocket.client(pair[0], certs.client, "localhost");
                 TlsSocket server = TlsSocket.server(pair[1], certs.localhostServer)) {
                Greenlet<String> serving = Gevent.spawn(() -> {
                    Gevent.sleep(0.1); // the client's first attempt times out waiting for the ServerHello
                    server.handshake();
                    byte[] got = new byte[2];
                    server.getInputStream().readNBytes(got, 0, 2);
                    server.sendAll(got);
                    return new String(got);
                });
                Timeout t = Timeout.start(Duration.ofMillis(20));
                assertSame(t, assertThrows(Timeout.class, client::handshake));
                client.handshake();
                client.sendAll("hi".getBytes());
                assertArrayEquals("hi".getBytes(), client.getInputStream().readNBytes(2));
                assertEquals("hi", serving.get());
            }
        });
    }

    @Test
    void aTimeoutMidReadLeavesItUsable() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (TlsSocket client = TlsSocket.client(pair[0], certs.client, "localhost");
                 TlsSocket server = TlsSocket.server(pair[1], certs.localhostServer)) {
                Greenlet<Void> handshaking = Gevent.spawn(() -> {
                    server.handshake();
                    return null;
                });
                client.handshake();
                handshaking.get();
                try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                    assertSame(t, assertThrows(Timeout.class, () -> client.read(ByteBuffer.allocate(10))));
                }
                server.sendAll("after".getBytes());
                assertArrayEquals("after".getBytes(), client.getInputStream().readNBytes(5));
            }
        });
    }

    /**
     * A write the peer does not read for a while, cut by {@code Timeout}s again and again: the
     * caller resumes from the buffer's position each time, and the peer gets every byte once,
     * in order (bytes encrypted but not yet sent go out first on the next write).
     */
    @Test
    void writesCutByTimeoutsLoseNothingAndRepeatNothing() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (TlsSocket client = TlsSocket.client(pair[0], certs.client, "localhost");
                 TlsSocket server = TlsSocket.server(pair[1], certs.localhostServer)) {
                byte[] data = new byte[8 << 20]; // more than the loopback's buffers hold
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31 + (i >>> 16));
                }
                Greenlet<byte[]> receiving = Gevent.spawn(() -> {
                    server.handshake();
                    Gevent.sleep(0.2); // the first writes are cut while nobody reads
                    return server.getInputStream().readNBytes(data.length);
                });
                ByteBuffer src = ByteBuffer.wrap(data);
                int cuts = 0;
                for (int attempt = 0; src.hasRemaining() && attempt < 10_000; attempt++) {
                    try (Timeout t = Timeout.start(Duration.ofMillis(15))) {
                        client.sendAll(src);
                    } catch (Timeout t) {
                        cuts++;
                    }
                }
                assertFalse(src.hasRemaining(), "all was written within the attempts");
                assertTrue(cuts > 0, "no write was cut: the test proves nothing");
                byte[] got = receiving.get();
                assertTrue(Arrays.equals(data, got), "the peer got every byte once, in order");
            }
        });
    }

    @Test
    void aHalfClosedTls13SessionStillCarriesThePeersReply() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (TlsSocket client = TlsSocket.client(pair[0], certs.client, "localhost",
                    p -> p.setProtocols(new String[] {"TLSv1.3"}));
                 TlsSocket server = TlsSocket.server(pair[1], certs.localhostServer)) {
                Greenlet<Integer> serving = Gevent.spawn(() -> {
                    byte[] request = server.getInputStream().readAllBytes(); // until the client's close_notify
                    server.sendAll(("got " + request.length).getBytes());
                    server.shutdownOutput();
                    return request.length;
                });
                client.sendAll("request".getBytes());
                client.shutdownOutput();
                assertArrayEquals("got 7".getBytes(), client.getInputStream().readAllBytes());
                assertEquals(7, serving.get());
                assertEquals("TLSv1.3", client.getSession().getProtocol());
            }
        });
    }
}
