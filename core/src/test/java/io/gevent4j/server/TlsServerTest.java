package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TestCerts;
import io.gevent4j.socket.TlsSocket;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsServerTest {

    private static String tlsCall(TestCerts certs, InetSocketAddress server, String line) throws Exception {
        try (TlsSocket tls = TlsSocket.client(StreamSocket.open(server), certs.client, "localhost")) {
            tls.sendAll((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void failedAndStalledHandshakesDisturbNeitherTheAcceptLoopNorOtherClients() {
        FreshHub.run(() -> {
            TestCerts certs = TestCerts.get();
            Hub hub = Hub.current();
            List<String> reports = new ArrayList<>();
            hub.setErrorHandler((context, error) -> reports.add(context + " | " + error));
            List<String> protocols = new ArrayList<>();
            StreamServer server = new StreamServer(StreamServerTest.ANY_LOOPBACK_PORT, certs.localhostServer, (tls, address) -> {
                protocols.add(tls.getSession().getProtocol());
                var in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    tls.sendAll(("tls " + line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }).start();
            InetSocketAddress address = (InetSocketAddress) server.address();

            // A client that connects and never says a word holds up its own greenlet only.
            StreamSocket stalled = StreamSocket.open(address);
            // A client that does not speak TLS fails its handshake.
            LineClient plain = new LineClient(address);
            plain.send("GET / HTTP/1.0");
            byte[] answer = plain.socket.getInputStream().readAllBytes();
            assertTrue(answer.length == 0 || answer[0] == 0x15, "at most a TLS alert, then the connection closed");
            String plainLocal = plain.socket.getLocalAddress().toString();
            plain.close();

            assertEquals("tls hello", tlsCall(certs, address, "hello"));
            List<Greenlet<String>> many = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String line = "n" + i;
                many.add(Gevent.spawn(() -> tlsCall(certs, address, line)));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals("tls n" + i, many.get(i).get());
            }
            assertEquals(11, protocols.size());
            assertTrue(protocols.get(0).startsWith("TLS"), protocols.toString());
            assertEquals(1, reports.size(), reports.toString());
            assertTrue(reports.get(0).contains(plainLocal), "the report names the peer: " + reports);
            assertTrue(reports.get(0).contains("SSL"), reports.toString());

            String stalledLocal = stalled.getLocalAddress().toString();
            stalled.close();
            server.stop();
            assertEquals(2, reports.size(), "the stalled client's handshake failed when it left: " + reports);
            assertTrue(reports.get(1).contains(stalledLocal), reports.toString());
        });
    }

    @Test
    void sslParametersApplyToEachConnectionAndAHandshakeTimeoutEndsStalledClients() {
        FreshHub.run(() -> {
            TestCerts certs = TestCerts.get();
            Hub hub = Hub.current();
            List<String> reports = new ArrayList<>();
            hub.setErrorHandler((context, error) -> reports.add(context + " | " + error));
            StreamServer server = new StreamServer(StreamServerTest.ANY_LOOPBACK_PORT, certs.localhostServer, (tls, address) -> {
                tls.sendAll((tls.getSession().getProtocol() + "\n").getBytes(StandardCharsets.UTF_8));
            }).sslParameters(p -> p.setProtocols(new String[] {"TLSv1.2"})).handshakeTimeout(Duration.ofSeconds(3)).start();
            assertThrows(IllegalStateException.class, () -> server.handshakeTimeout(Duration.ofSeconds(1)));
            InetSocketAddress address = (InetSocketAddress) server.address();
            try (TlsSocket tls = TlsSocket.client(StreamSocket.open(address), certs.client, "localhost")) {
                assertEquals("TLSv1.2", new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine());
            }
            try (LineClient stalled = new LineClient(address)) {
                assertEquals(-1, stalled.socket.getInputStream().read(), "the server gave up on the silent client");
                assertEquals(1, reports.size(), reports.toString());
                assertTrue(reports.get(0).contains("SocketTimeoutException"), reports.toString());
            }
            server.stop();

            StreamServer plain = new StreamServer(StreamServerTest.ANY_LOOPBACK_PORT, StreamServerTest::echo);
            assertThrows(IllegalStateException.class, () -> plain.sslParameters(p -> { }), "not a TLS server");
            assertThrows(IllegalArgumentException.class, () -> plain.handshakeTimeout(Duration.ZERO));
        });
    }
}
