package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsSocketTest {

    private static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.get();
    }

    /** A TLS echo server for one connection; its greenlet returns what it saw. */
    private static Greenlet<String> echoServer(ListeningSocket server, SSLContext ctx, Consumer<javax.net.ssl.SSLParameters> configure) {
        return Gevent.spawn(() -> {
            try (TlsSocket tls = TlsSocket.server(server.accept(), ctx, configure)) {
                tls.handshake();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (tls.read(buf.clear()) > 0) {
                    buf.flip();
                    tls.sendAll(buf);
                }
                return tls.applicationProtocol();
            }
        });
    }

    @Test
    void clientAndServerEchoWithSniAlpnAndCloseNotify() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                AtomicReference<String> sni = new AtomicReference<>();
                Greenlet<String> echo = echoServer(server, certs.localhostServer, p -> {
                    p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                    p.setSNIMatchers(List.of(new SNIMatcher(0) {
                        @Override
                        public boolean matches(SNIServerName name) {
                            sni.set(((SNIHostName) name).getAsciiName());
                            return true;
                        }
                    }));
                });
                StreamSocket tcp = Sockets.createConnection(Net.addressOf(server), Duration.ofSeconds(20), null);
                try (TlsSocket tls = TlsSocket.client(tcp, certs.client, "localhost",
                        p -> p.setApplicationProtocols(new String[] {"http/1.1"}))) {
                    byte[] big = new byte[200_000];
                    for (int i = 0; i < big.length; i++) {
                        big[i] = (byte) (i * 31);
                    }
                    Greenlet<byte[]> reader = Gevent.spawn(() -> tls.getInputStream().readNBytes(big.length));
                    tls.sendAll(big);
                    assertArrayEquals(big, reader.get(), "one greenlet reads while another writes");
                    assertEquals("http/1.1", tls.applicationProtocol());
                    assertTrue(tls.getSession().getProtocol().startsWith("TLS"), tls.getSession().getProtocol());
                    tls.shutdownOutput();
                    assertEquals(-1, tls.read(ByteBuffer.allocate(10)), "the server closed after our close_notify");
                }
                assertEquals("http/1.1", echo.get());
                assertEquals("localhost", sni.get());
            }
        });
    }

    @Test
    void linesOverTlsStreams() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                Greenlet<String> echo = echoServer(server, certs.localhostServer, p -> { });
                Greenlet<Void> client = Gevent.spawn(() -> {
                    try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "127.0.0.1")) {
                        var out = new PrintWriter(tls.getOutputStream(), true, StandardCharsets.UTF_8);
                        var in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
                        for (int i = 0; i < 20; i++) {
                            out.println("line " + i);
                            assertEquals("line " + i, in.readLine());
                        }
                    }
                    return null;
                });
                client.get();
                assertEquals("", echo.get(), "no ALPN asked");
            }
        });
    }

    private static void assertHandshakeFails(SSLContext serverCtx, SSLContext clientCtx, String host, String messagePart) {
        FreshHub.run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            try (ListeningSocket server = Net.listen()) {
                Greenlet<String> echo = echoServer(server, serverCtx, p -> { });
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), clientCtx, host)) {
                    var e = assertThrows(SSLHandshakeException.class, tls::handshake);
                    assertTrue(String.valueOf(e.getMessage()).contains(messagePart)
                                    || String.valueOf(e.getCause()).contains(messagePart), e.toString());
                    assertThrows(SSLException.class, () -> tls.read(ByteBuffer.allocate(1)), "the failure sticks");
                }
                var e = assertThrows(CompletionException.class, echo::get);
                assertInstanceOf(SSLException.class, e.getCause(), "the server side fails too");
                assertEquals(1, reported.size());
                assertServes(server);
            }
        });
    }

    /** The hub still serves connections after a failure. */
    private static void assertServes(ListeningSocket server) throws Exception {
        Greenlet<String> echo = echoServer(server, certs.localhostServer, p -> { });
        try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost")) {
            tls.sendAll("still serving".getBytes());
            assertEquals("still serving", new String(tls.getInputStream().readNBytes(13)));
        }
        echo.get();
    }

    @Test
    void wrongHostNameIsRefusedByDefault() {
        assertHandshakeFails(certs.wrongNameServer, certs.client, "localhost", "localhost");
    }

    @Test
    void untrustedCertificateIsRefused() {
        assertHandshakeFails(certs.untrustedServer, certs.client, "localhost", "PKIX");
    }

    @Test
    void verificationCanBeTurnedOffExplicitly() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                echoServer(server, certs.wrongNameServer, p -> { });
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost",
                        p -> p.setEndpointIdentificationAlgorithm(null))) {
                    tls.handshake();
                    tls.sendAll("x".getBytes());
                    assertEquals('x', tls.getInputStream().read());
                }
            }
        });
    }

    @Test
    void plainTextPeersAreClearErrorsOnBothSides() {
        FreshHub.run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            try (ListeningSocket server = Net.listen()) {
                Greenlet<String> tlsServer = echoServer(server, certs.localhostServer, p -> { });
                try (StreamSocket plain = StreamSocket.open(Net.addressOf(server))) {
                    plain.sendAll("GET / HTTP/1.0\r\n\r\n".getBytes());
                    plain.getInputStream().readAllBytes();
                }
                var e = assertThrows(CompletionException.class, tlsServer::get);
                assertInstanceOf(SSLException.class, e.getCause());
                Greenlet<Void> plainServer = Gevent.spawn(() -> {
                    try (StreamSocket c = server.accept()) {
                        c.sendAll("HTTP/1.0 400 Bad Request\r\n\r\nthis is not TLS at all, sorry".getBytes());
                    }
                    return null;
                });
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost")) {
                    assertThrows(SSLException.class, tls::handshake);
                }
                plainServer.get();
                assertEquals(1, reported.size());
                assertServes(server);
            }
        });
    }

    @Test
    void peerThatVanishesDuringTheHandshake() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                Gevent.spawn(() -> {
                    try (StreamSocket c = server.accept()) {
                        c.read(ByteBuffer.allocate(65536));
                    }
                    return null;
                });
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost")) {
                    var e = assertThrows(SSLHandshakeException.class, tls::handshake);
                    assertTrue(e.getMessage().contains("closed the connection during the TLS handshake"), e.getMessage());
                }
                assertServes(server);
            }
        });
    }
}
