package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.event.Event;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link TlsSocket#unwrap()}: back to plain text on the same connection, as CPython's
 * test_ssl.py ThreadedTests.test_starttls (which gevent runs on its own sockets) switches
 * from clear text to TLS and back; against gevent4j, the JDK's {@code SSLSocket} and
 * {@code openssl s_server}.
 */
class TlsUnwrapTest {

    private static final int LIMIT_MS = (int) FreshHub.LIMIT.toMillis();
    private static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.get();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String readString(StreamSocket s, int length) throws IOException {
        return new String(s.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
    }

    /**
     * Ports test_ssl.py test_starttls's way back ("ENDTLS", then unwrap on both sides, then
     * clear text), with TLS 1.2 and 1.3. The client's first unwrap is cut short by a
     * Timeout after it sent its close_notify, and must be resumable. The server's bytes
     * reach the client through a relay that holds them back once the handshake is done and
     * then writes the server's last application data, its close_notify and its first clear
     * text in one piece, so the client's unwrap reads past the close_notify: what it
     * decrypted but had not returned and the clear text come out of the plain socket, in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void testStarttls(String protocol) {
        FreshHub.run(() -> {
            Relayed tls = Relayed.handshaken(protocol, "clear text\n");
            TlsSocket c = tls.client();
            TlsSocket s = tls.server();
            Event clientGaveUp = new Event();
            Greenlet<String> server = Gevent.spawn(() -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (buf.position() < "ENDTLS\n".length()) {
                    s.read(buf);
                }
                clientGaveUp.await();
                s.sendAll(ascii("last secret\n"));
                StreamSocket plain = s.unwrap();
                plain.sendAll(ascii("clear text\n"));
                return readString(plain, "reply\n".length());
            });
            c.sendAll(ascii("ENDTLS\n"));
            assertFalse(Timeout.run(Duration.ofMillis(50), () -> {
                try {
                    c.unwrap();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }), "the server's close_notify comes only after the first unwrap gave up");
            clientGaveUp.set();
            StreamSocket plain = c.unwrap();
            String expected = "last secret\nclear text\n";
            assertEquals(expected.length(), plain.pending(), "what was decrypted and read past the close_notify is kept");
            assertTrue(plain.ready(), "bytes kept make the socket ready for Gevent.wait");
            assertEquals(List.of(plain), Select.select(List.of(plain), List.of(), Duration.ZERO).readable());
            assertEquals(expected, readString(plain, expected.length()));
            plain.sendAll(ascii("reply\n"));
            assertEquals("reply\n", server.get());
            assertEquals(protocol, c.getSession().getProtocol());
            assertFalse(c.isOpen());
            assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1)));
            c.close();
            assertTrue(plain.isOpen(), "closing the unwrapped TLS object leaves the socket open");
            plain.close();
            tls.close();
        });
    }

    /**
     * A greenlet waiting (Gevent.wait) for the plain socket to be readable while the bytes
     * that will make it so are already off the channel, inside the TLS object: unwrap hands
     * them back and wakes it.
     */
    @Test
    void unwrapWakesAGreenletWaitingOnThePlainSocket() {
        FreshHub.run(() -> {
            Relayed tls = Relayed.handshaken("TLSv1.3", "clear\n");
            TlsSocket c = tls.client();
            TlsSocket s = tls.server();
            Greenlet<StreamSocket> server = Gevent.spawn(() -> {
                s.sendAll(ascii("data\n"));
                return s.unwrap();
            });
            Gevent.sleep(0); // the server sends its data and close_notify, then waits for the client's
            s.socket().sendAll(ascii("clear\n")); // the relay now writes all three in one piece
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(5, c.read(buf), "the data; the close_notify and the clear text wait in the TLS object");
            Greenlet<List<StreamSocket>> waiting = Gevent.spawn(
                    () -> Gevent.wait(List.of(c.socket()), Duration.ofMillis(LIMIT_MS / 2)));
            Gevent.sleep(0);
            StreamSocket plain = c.unwrap();
            assertEquals(List.of(plain), waiting.get(), "woken by the bytes handed back, not by its timeout");
            assertEquals("clear\n", readString(plain, 6));
            server.get().close();
            tls.close();
        });
    }

    /**
     * A client and a server TLS socket whose connection goes through a {@link Relay}, the
     * handshake done, the relay holding the server's bytes back until {@code marker}.
     */
    private record Relayed(TlsSocket client, TlsSocket server, Relay relay) implements AutoCloseable {

        static Relayed handshaken(String protocol, String marker) throws IOException {
            StreamSocket[] clientSide = Net.pair();
            StreamSocket[] serverSide = Net.pair();
            Relay relay = new Relay(clientSide[1], serverSide[0], marker);
            TlsSocket c = TlsSocket.client(clientSide[0], certs.client, "localhost",
                    p -> p.setProtocols(new String[] {protocol}));
            TlsSocket s = TlsSocket.server(serverSide[1], certs.localhostServer);
            Greenlet<Void> handshake = Gevent.spawn(() -> {
                s.handshake();
                return null;
            });
            c.handshake();
            handshake.get();
            relay.holdBack();
            return new Relayed(c, s, relay);
        }

        /** Closes both connections, plain or TLS, and the relay. */
        @Override
        public void close() throws IOException {
            client.socket().close();
            server.socket().close();
            relay.close();
        }
    }

    /**
     * Copies bytes between a client's connection and a server's, each way in a greenlet;
     * after {@link #holdBack()} the server's bytes are kept until they end with a marker,
     * then written to the client in one write.
     */
    private static final class Relay implements AutoCloseable {
        private final StreamSocket toClient;
        private final StreamSocket toServer;
        private final Greenlet<Void> up;
        private final Greenlet<Void> down;
        private boolean holding;

        Relay(StreamSocket toClient, StreamSocket toServer, String marker) {
            this.toClient = toClient;
            this.toServer = toServer;
            this.up = Gevent.spawn(() -> {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                while (toClient.read(buf.clear()) > 0) {
                    toServer.sendAll(buf.flip());
                }
                return null;
            });
            this.down = Gevent.spawn(() -> {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                ByteArrayOutputStream held = new ByteArrayOutputStream();
                while (toServer.read(buf.clear()) > 0) {
                    if (!holding) {
                        toClient.sendAll(buf.flip());
                        continue;
                    }
                    held.write(buf.array(), 0, buf.position());
                    if (held.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
                        toClient.sendAll(held.toByteArray());
                        held.reset();
                        holding = false;
                    }
                }
                return null;
            });
        }

        void holdBack() {
            holding = true;
        }

        @Override
        public void close() throws IOException {
            up.kill();
            down.kill();
            toClient.close();
            toServer.close();
        }
    }

    @Test
    void unwrapBeforeTheHandshakeOrAfterAnUncleanCloseIsAnSslException() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (TlsSocket c = TlsSocket.client(pair[0], certs.client, "localhost");
                 TlsSocket s = TlsSocket.server(pair[1], certs.localhostServer)) {
                assertThrows(SSLException.class, c::unwrap);
                Greenlet<Void> handshake = Gevent.spawn(() -> {
                    s.handshake();
                    return null;
                });
                c.handshake();
                handshake.get();
                pair[1].close(); // gone without close_notify
                SSLException e = assertThrows(SSLException.class, c::unwrap);
                assertTrue(e.getMessage().contains("without close_notify"), e.getMessage());
            }
        });
    }

    /**
     * The JDK's layered {@code SSLSocket} (autoClose false) ends TLS as unwrap does: its
     * close sends close_notify and waits for the peer's; the connection then goes on in
     * clear text both ways.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void unwrapAgainstTheJdksSslSocket(String protocol) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, Net.LOOPBACK)) {
            listener.setSoTimeout(LIMIT_MS);
            CompletableFuture<String> jdk = CompletableFuture.supplyAsync(() -> {
                try (Socket tcp = listener.accept()) {
                    tcp.setSoTimeout(LIMIT_MS);
                    SSLSocket tls = (SSLSocket) certs.localhostServer.getSocketFactory()
                            .createSocket(tcp, null, tcp.getPort(), false);
                    tls.setUseClientMode(false);
                    tls.setEnabledProtocols(new String[] {protocol});
                    BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
                    String command = in.readLine();
                    tls.getOutputStream().write(ascii("200 back to clear text\n"));
                    tls.close();
                    tcp.getOutputStream().write(ascii("plain from the JDK\n"));
                    String reply = new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine();
                    return command + "|" + reply;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            FreshHub.run(() -> {
                StreamSocket tcp = StreamSocket.open(new InetSocketAddress(Net.LOOPBACK, listener.getLocalPort()));
                tcp.setTimeout(Duration.ofMillis(LIMIT_MS));
                TlsSocket tls = TlsSocket.client(tcp, certs.client, "localhost");
                tls.sendAll(ascii("CCC\n"));
                InputStream in = tls.getInputStream();
                assertEquals("200 back to clear text\n", new String(in.readNBytes(23), StandardCharsets.US_ASCII));
                try (StreamSocket plain = tls.unwrap()) {
                    assertEquals(protocol, tls.getSession().getProtocol());
                    assertEquals("plain from the JDK\n", readString(plain, 19));
                    plain.sendAll(ascii("plain from gevent4j\n"));
                }
            });
            assertEquals("CCC|plain from gevent4j", jdk.get(LIMIT_MS, TimeUnit.MILLISECONDS));
        }
    }

    /** OpenSSL answers unwrap's close_notify with its own, then closes: unwrap returns and the plain socket reads the end. */
    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void unwrapAgainstOpensslServer(String version) {
        assumeTrue(OpensslServer.available(), "openssl is not installed: the OpenSSL unwrap test is skipped");
        FreshHub.run(() -> {
            try (OpensslServer openssl = new OpensslServer(version)) {
                StreamSocket tcp = StreamSocket.open(new InetSocketAddress(Net.LOOPBACK, openssl.port()));
                tcp.setTimeout(Duration.ofMillis(LIMIT_MS));
                TlsSocket tls = TlsSocket.client(tcp, TlsFidelityTest.trustingClient(new AtomicReference<>()), "localhost",
                        p -> p.setEndpointIdentificationAlgorithm(null));
                tls.sendAll(ascii("hello openssl\n"));
                openssl.awaitLine("^hello openssl$");
                try (StreamSocket plain = tls.unwrap()) {
                    assertEquals(0, plain.recv(16).length, "openssl closed the connection after its close_notify");
                }
            }
        });
    }
}
