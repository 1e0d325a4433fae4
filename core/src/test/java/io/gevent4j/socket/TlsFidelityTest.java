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
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS behaviours where gevent4j once differed from gevent's {@code ssl} (test__ssl.py) or
 * from the JDK's own {@code SSLSocket}; each test names what it ports.
 */
class TlsFidelityTest {

    private static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.get();
    }

    /** A client context that trusts any certificate and records the thread that checked it. */
    static SSLContext trustingClient(AtomicReference<Thread> checkedOn) throws Exception {
        X509ExtendedTrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                checkedOn.set(Thread.currentThread());
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                checkedOn.set(Thread.currentThread());
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                checkedOn.set(Thread.currentThread());
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {trustAll}, null);
        return ctx;
    }

    /** A connected client/server pair whose handshake is done. */
    private static TlsSocket[] handshaken(SSLContext client, String host) throws Exception {
        StreamSocket[] pair = Net.pair();
        TlsSocket c = TlsSocket.client(pair[0], client, host);
        TlsSocket s = TlsSocket.server(pair[1], certs.localhostServer);
        Greenlet<Void> server = Gevent.spawn(() -> {
            s.handshake();
            return null;
        });
        c.handshake();
        server.get();
        return new TlsSocket[] {c, s};
    }

    @Test
    void delegatedTasksRunOnTheThreadpoolNotOnTheHub() {
        FreshHub.run(() -> {
            AtomicReference<Thread> checkedOn = new AtomicReference<>();
            TlsSocket[] tls = handshaken(trustingClient(checkedOn), "localhost");
            try (TlsSocket c = tls[0]; TlsSocket s = tls[1]) {
                Thread t = checkedOn.get();
                assertFalse(t.isVirtual(), "a greenlet checked the certificate: " + t);
                assertNotSame(Hub.current().carrierThread(), t);
                assertNotSame(Hub.current().thread(), t);
            }
        });
    }

    /** Ports test__ssl.py's pending(): decrypted bytes waiting in the socket are available(). */
    @Test
    void testPendingAndAvailable() {
        FreshHub.run(() -> {
            TlsSocket[] tls = handshaken(certs.client, "localhost");
            try (TlsSocket c = tls[0]; TlsSocket s = tls[1]) {
                s.sendAll(new byte[100]);
                InputStream in = c.getInputStream();
                assertEquals(0, in.read());
                assertEquals(99, c.pending());
                assertEquals(99, in.available());
                assertEquals(99, in.readNBytes(99).length);
                assertEquals(0, in.available());
            }
        });
    }

    /** The JDK's SSLSocket strips a fully qualified name's dot for SNI and handshakes: so does TlsSocket. */
    @Test
    void trailingDotHostNameHandshakesAndSendsSniWithoutTheDot() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                AtomicReference<String> sni = new AtomicReference<>();
                Greenlet<Void> accepting = Gevent.spawn(() -> {
                    try (TlsSocket s = TlsSocket.server(server.accept(), certs.localhostServer,
                            p -> p.setSNIMatchers(List.of(new SNIMatcher(0) {
                                @Override
                                public boolean matches(SNIServerName name) {
                                    sni.set(((SNIHostName) name).getAsciiName());
                                    return true;
                                }
                            })))) {
                        s.handshake();
                        s.sendAll("ok".getBytes(StandardCharsets.US_ASCII));
                    }
                    return null;
                });
                try (TlsSocket c = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost.")) {
                    assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), c.getInputStream().readNBytes(2));
                }
                accepting.get();
                assertEquals("localhost", sni.get());
            }
        });
    }

    /** Ports test__ssl.py's suppress_ragged_eofs: a close without close_notify, suppressed or raised. */
    @Test
    void testSuppressRaggedEofs() {
        FreshHub.run(() -> {
            for (boolean suppress : new boolean[] {true, false}) {
                TlsSocket[] tls = handshaken(certs.client, "localhost");
                try (TlsSocket c = tls[0]) {
                    assertTrue(c.getSuppressRaggedEofs(), "gevent's default");
                    c.setSuppressRaggedEofs(suppress);
                    tls[1].sendAll(new byte[] {7});
                    tls[1].socket().close();
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    assertEquals(1, c.read(buf));
                    if (suppress) {
                        assertEquals(-1, c.read(buf.clear()));
                    } else {
                        SSLException e = assertThrows(SSLException.class, () -> c.read(buf.clear()));
                        assertTrue(e.getMessage().contains("close_notify"), e.getMessage());
                        assertEquals(-1, c.read(buf.clear()), "raised once, then end of stream");
                    }
                }
            }
        });
    }

    @Test
    void aResetDuringTheHandshakeIsAnSslHandshakeException() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen()) {
                Greenlet<Void> resetter = Gevent.spawn(() -> {
                    StreamSocket s = server.accept();
                    s.recv(1);
                    s.setOption(StandardSocketOptions.SO_LINGER, 0);
                    s.close();
                    return null;
                });
                try (TlsSocket c = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost")) {
                    SSLHandshakeException e = assertThrows(SSLHandshakeException.class, c::handshake);
                    assertInstanceOf(java.net.SocketException.class, e.getCause());
                    SSLException again = assertThrows(SSLException.class, c::handshake);
                    assertEquals(e, again.getCause(), "the failure is kept");
                }
                resetter.get();
            }
        });
    }

    @Test
    void delegatedTasksOfABrokenHandshakeStillEndIt() {
        FreshHub.run(() -> {
            StreamSocket[] pair = Net.pair();
            try (TlsSocket c = TlsSocket.client(pair[0], certs.client, "localhost");
                 TlsSocket s = TlsSocket.server(pair[1], certs.untrustedServer)) {
                Greenlet<Void> server = Gevent.spawn(() -> {
                    s.handshake();
                    return null;
                });
                assertThrows(SSLHandshakeException.class, c::handshake);
                assertInstanceOf(SSLException.class, assertThrows(CompletionException.class, server::get).getCause());
            }
        });
    }

    /**
     * A real peer renegotiates a TLS 1.2 session (openssl s_server's {@code r} command): the
     * client answers it while reading, and data flows both ways before and after.
     */
    @Test
    void renegotiationByOpensslServer() {
        assumeTrue(OpensslServer.available(), "openssl is not installed: the renegotiation test is skipped");
        FreshHub.run(() -> {
            try (OpensslServer openssl = new OpensslServer("-tls1_2");
                 TlsSocket c = TlsSocket.client(StreamSocket.open(new InetSocketAddress(Net.LOOPBACK, openssl.port())),
                         trustingClient(new AtomicReference<>()), "localhost", p -> {
                             p.setEndpointIdentificationAlgorithm(null);
                             p.setProtocols(new String[] {"TLSv1.2"});
                         })) {
                c.sendAll("before\n".getBytes(StandardCharsets.US_ASCII));
                openssl.awaitLine("^before$");
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                Greenlet<String> reader = Gevent.spawn(in::readLine);
                openssl.send("r");
                assertEquals("SSL_do_handshake -> 1", openssl.awaitLine("SSL_do_handshake -> "),
                        "the server's renegotiation succeeded: the reading client answered it");
                openssl.send("after");
                assertEquals("after", reader.get(), "read through the renegotiation");
                c.sendAll("again\n".getBytes(StandardCharsets.US_ASCII));
                openssl.awaitLine("^again$");
                assertEquals("TLSv1.2", c.getSession().getProtocol());
            }
        });
    }
}
