package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults found in review: each test failed before its fix. */
class ReviewFixesTest {

    private static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.get();
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 131 + (i >> 9));
        }
        return b;
    }

    @Test
    void tlsCloseNeverBlocksOnAPeerThatDoesNotRead() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                Greenlet<StreamSocket> accepted = Gevent.spawn(() -> {
                    TlsSocket tls = TlsSocket.server(server.accept(), certs.localhostServer);
                    tls.handshake();
                    return tls.socket();
                });
                TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost");
                tls.handshake();
                StreamSocket peer = accepted.get();
                assertThrows(Timeout.class, () -> {
                    try (Timeout t = Timeout.start(Duration.ofMillis(300))) {
                        for (int i = 0; i < 10_000; i++) {
                            tls.sendAll(new byte[1 << 20]);
                        }
                    }
                });
                Greenlet<Void> closer = Gevent.spawn(() -> {
                    tls.close();
                    return null;
                });
                assertTrue(closer.join(Duration.ofSeconds(10)), "close() waited for a peer that never reads");
                closer.get();
                assertTrue(tls.socket().isClosed());
                peer.close();
            }
        });
    }

    @Test
    void tls12CloseNotifyReadWhileAnotherGreenletWritesIsNeitherAnErrorNorCorruption() {
        FreshHub.run(() -> {
            byte[] payload = pattern(8 << 20);
            try (ListeningSocket server = Net.listen()) {
                Greenlet<Integer> serverReader = Gevent.spawn(() -> {
                    TlsSocket tls = TlsSocket.server(server.accept(), certs.localhostServer,
                            p -> p.setProtocols(new String[] {"TLSv1.2"}));
                    tls.handshake();
                    Greenlet<Void> writer = Gevent.spawn(() -> {
                        try {
                            tls.sendAll(payload);
                        } catch (ClosedChannelException expected) {
                            // TLS 1.2: the peer's close_notify closes both directions
                        }
                        return null;
                    });
                    Gevent.sleep(0.2);
                    int n = tls.read(ByteBuffer.allocate(100));
                    writer.get();
                    tls.close();
                    return n;
                });
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost",
                        p -> p.setProtocols(new String[] {"TLSv1.2"}))) {
                    tls.handshake();
                    Gevent.sleep(0.1);
                    tls.shutdownOutput();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    ByteBuffer buf = ByteBuffer.allocate(64 << 10);
                    int n;
                    while ((n = tls.read(buf.clear())) > 0) {
                        got.write(buf.array(), 0, n);
                    }
                    assertEquals(-1, serverReader.get(), "the server read the client's close_notify");
                    byte[] received = got.toByteArray();
                    assertArrayEquals(Arrays.copyOf(payload, received.length), received, "a prefix of what was sent");
                }
            }
        });
    }

    @Test
    void tlsReadAfterCloseThrowsEvenWithBufferedBytes() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                Greenlet<Void> srv = Gevent.spawn(() -> {
                    try (TlsSocket tls = TlsSocket.server(server.accept(), certs.localhostServer)) {
                        tls.sendAll("hello".getBytes());
                        tls.read(ByteBuffer.allocate(1));
                    }
                    return null;
                });
                TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost");
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(1, tls.read(one));
                tls.close();
                assertThrows(ClosedChannelException.class, () -> tls.read(ByteBuffer.allocate(10)));
                assertThrows(ClosedChannelException.class, () -> tls.getInputStream().read());
                srv.join();
            }
        });
    }

    @Test
    void socketsRefuseUseFromAnotherThreadEvenWhenNoWaitIsNeeded() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (StreamSocket client = pair[0]; StreamSocket peer = pair[1]) {
                peer.sendAll("data".getBytes());
                Gevent.sleep(0.05);
                for (var op : java.util.List.<java.util.concurrent.Callable<Object>>of(
                        () -> client.read(ByteBuffer.allocate(10)),
                        () -> { client.sendAll("x".getBytes()); return null; })) {
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            f.complete(op.call());
                        } catch (Throwable e) {
                            f.completeExceptionally(e);
                        }
                    });
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                    assertInstanceOf(IllegalStateException.class, e.getCause());
                    t.join();
                }
                assertEquals(4, client.read(ByteBuffer.allocate(10)), "nothing was consumed by the refused read");
            }
        });
    }

    @Test
    void bindAndConnectFromAnotherThreadAreRefusedAndChangeNothing() {
        FreshHub.run(() -> {
            try (UdpSocket udp = UdpSocket.open(StandardProtocolFamily.INET);
                 StreamSocket stream = StreamSocket.open(StandardProtocolFamily.INET)) {
                InetSocketAddress any = new InetSocketAddress(Net.LOOPBACK, 0);
                for (var op : java.util.List.<java.util.concurrent.Callable<Object>>of(
                        () -> udp.bind(any), () -> udp.connect(any), () -> stream.bind(any))) {
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            f.complete(op.call());
                        } catch (Throwable e) {
                            f.completeExceptionally(e);
                        }
                    });
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                    assertInstanceOf(IllegalStateException.class, e.getCause());
                    t.join();
                }
                assertNull(udp.getLocalAddress(), "the refused bind bound nothing");
                assertFalse(udp.isConnected(), "the refused connect connected nothing");
                assertNull(stream.getLocalAddress(), "the refused bind bound nothing");
            }
        });
    }
}
