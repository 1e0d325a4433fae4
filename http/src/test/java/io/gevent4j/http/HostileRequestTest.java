package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of malformed and hostile requests, each answered with its status and the
 * connection closed, and a plain GET served afterwards on a new connection; then slowloris
 * and idle keep-alive connections against small timeouts.
 */
class HostileRequestTest {

    private static final String H = "Host: a\r\n";
    private static HttpServer server;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws IOException {
        HttpServerLimits limits = HttpServerLimits.SAFE.withSizes(1024, 4096, 20, 1024)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
        server = new GeventHttpServerProvider(limits).createHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length + 2);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
                out.write("ok".getBytes());
            }
        });
        server.start();
        address = server.getAddress();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static Stream<Arguments> corpus() {
        List<Arguments> c = new ArrayList<>();
        // smuggling: framing headers that disagree or are not what they seem
        c.add(of(400, "CL and TE", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "TE and CL", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "differing CLs", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
        c.add(of(400, "CL list", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\nhello"));
        c.add(of(400, "negative CL", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n"));
        c.add(of(400, "signed CL", "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"));
        c.add(of(400, "hex CL", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x10\r\n\r\n"));
        c.add(of(400, "huge CL", "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999\r\n\r\n"));
        c.add(of(400, "empty CL", "POST / HTTP/1.1\r\n" + H + "Content-Length:\r\n\r\n"));
        c.add(of(400, "TE gzip, chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "TE chunked, identity", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "TE twice", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "TE xchunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "TE identity", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: identity\r\n\r\n"));
        c.add(of(400, "space before colon", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"));
        c.add(of(400, "tab before colon", "GET / HTTP/1.1\r\n" + H + "X-A\t: b\r\n\r\n"));
        c.add(of(400, "obs-fold", "GET / HTTP/1.1\r\n" + H + "X-A: b\r\n c\r\n\r\n"));
        c.add(of(400, "obs-fold tab", "GET / HTTP/1.1\r\n" + H + "X-A: b\r\n\tc\r\n\r\n"));
        c.add(of(400, "first header folded", "GET / HTTP/1.1\r\n " + H + "\r\n"));
        c.add(of(400, "no Host", "GET / HTTP/1.1\r\n\r\n"));
        c.add(of(400, "two Hosts", "GET / HTTP/1.1\r\n" + H + "Host: b\r\n\r\n"));
        c.add(of(400, "two Hosts in 1.0", "GET / HTTP/1.0\r\n" + H + "Host: b\r\n\r\n"));
        // request line
        c.add(of(505, "HTTP/9.9", "GET / HTTP/9.9\r\n" + H + "\r\n"));
        c.add(of(505, "HTTP/2.0", "GET / HTTP/2.0\r\n" + H + "\r\n"));
        c.add(of(505, "HTTP/1.2", "GET / HTTP/1.2\r\n" + H + "\r\n"));
        c.add(of(400, "lower-case version", "GET / http/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "version suffix", "GET / HTTP/1.1x\r\n" + H + "\r\n"));
        c.add(of(400, "two-digit version", "GET / HTTP/10.1\r\n" + H + "\r\n"));
        c.add(of(400, "double space", "GET /  HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "trailing space", "GET / HTTP/1.1 \r\n" + H + "\r\n"));
        c.add(of(400, "HTTP/0.9", "GET /\r\n\r\n"));
        c.add(of(400, "bad method byte", "G@T / HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "NUL in method", "G\0ET / HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "leading space", " GET / HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "NUL in target", "GET /\0 HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "space in target", "GET /a b HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "DEL in target", "GET /\u007f HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "Latin-1 in target", "GET /\u00e9 HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "angle bracket target", "GET /<script> HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "bad percent escape", "GET /%zz HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(400, "bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n"));
        c.add(of(400, "bare CR in request line", "GET / HTTP/1.1\rX\r\n" + H + "\r\n"));
        // header fields
        c.add(of(400, "NUL in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n"));
        c.add(of(400, "control byte in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\u0001b\r\n\r\n"));
        c.add(of(400, "DEL in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\u007fb\r\n\r\n"));
        c.add(of(400, "bare CR in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n"));
        c.add(of(400, "bare LF in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\nX-B: b\r\n\r\n"));
        c.add(of(400, "bad name byte", "GET / HTTP/1.1\r\n" + H + "X(A: b\r\n\r\n"));
        c.add(of(400, "no colon", "GET / HTTP/1.1\r\n" + H + "Xyz\r\n\r\n"));
        c.add(of(400, "empty name", "GET / HTTP/1.1\r\n" + H + ": v\r\n\r\n"));
        c.add(of(417, "unknown expectation", "POST / HTTP/1.1\r\n" + H + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx"));
        // limits
        c.add(of(414, "request line too long", "GET /" + "a".repeat(2000) + " HTTP/1.1\r\n" + H + "\r\n"));
        c.add(of(431, "header too large", "GET / HTTP/1.1\r\n" + H + "X-A: " + "b".repeat(5000) + "\r\n\r\n"));
        c.add(of(431, "too many headers", "GET / HTTP/1.1\r\n" + H + "X-A: b\r\n".repeat(25) + "\r\n"));
        c.add(of(413, "CL over the limit", "POST / HTTP/1.1\r\n" + H + "Content-Length: 2000\r\n\r\n"));
        c.add(of(413, "chunked over the limit", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n800\r\n" + "x".repeat(2048) + "\r\n0\r\n\r\n"));
        // chunk framing
        c.add(of(400, "non-hex chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"));
        c.add(of(400, "space before chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n"));
        c.add(of(400, "negative chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n"));
        c.add(of(400, "overflowing chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n"));
        c.add(of(400, "chunk without CRLF", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"));
        c.add(of(400, "chunk size bare LF", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"));
        c.add(of(400, "control byte in chunk extension", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;a\u0001b\r\nhello\r\n0\r\n\r\n"));
        c.add(of(400, "control byte in trailer", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: \u0000\r\n\r\n"));
        // garbage
        c.add(of(400, "TLS hello on plain port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003\r\n\r\n"));
        c.add(of(400, "NUL bytes", "\0\0\0\0\r\n\r\n"));
        c.add(of(400, "binary noise", "\u00ff\u00fe\u0080\u0081 / HTTP/1.1\r\n\r\n"));
        return c.stream();
    }

    private static Arguments of(int status, String name, String request) {
        return Arguments.of(status, name, request);
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("corpus")
    void eachIsRefusedWithItsStatusAndTheServerGoesOn(int status, String name, String request) throws IOException {
        try (RawClient c = new RawClient(address)) {
            RawClient.Response r = c.send(request).read();
            assertEquals(status, r.status(), name);
            assertTrue(c.closedByServer(), name + ": connection closed after the answer");
        }
        plainGetIsServed();
    }

    @Test
    void theCorpusHasAtLeastFiftyRequests() {
        assertTrue(corpus().count() >= 50);
    }

    @Test
    void aTruncatedBodyIs400() throws IOException {
        try (RawClient c = new RawClient(address)) {
            c.send("POST / HTTP/1.1\r\n" + H + "Content-Length: 10\r\n\r\nabc");
            c.shutdownOutput();
            assertEquals(400, c.read().status());
        }
        plainGetIsServed();
    }

    @Test
    void slowlorisGets408AtTheHeaderTimeout() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send("GET / HTTP/1.1\r\n" + H);
            long start = System.nanoTime();
            RawClient.Response r = null;
            for (int i = 0; i < 80 && r == null; i++) {
                try {
                    c.send("X-Slow-" + i + ": 1\r\n");
                } catch (IOException closed) {
                    break;
                }
                c.setTimeout(250);
                try {
                    r = c.read(true);
                } catch (java.net.SocketTimeoutException stillWaiting) {
                    // the server has not answered yet: trickle on
                }
            }
            assertTrue(r != null && r.status() == 408, "408 before the client gave up");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), "answered near the 2 s header timeout");
        }
        plainGetIsServed();
    }

    @Test
    void idleKeepAliveConnectionsAreClosed() throws IOException {
        try (RawClient c = new RawClient(address)) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\n" + H + "\r\n").read().status());
            assertTrue(c.closedByServer(), "closed after the 1 s idle timeout (the client waits up to 20 s)");
        }
    }

    private static void plainGetIsServed() throws IOException {
        try (RawClient c = new RawClient(address)) {
            RawClient.Response r = c.send("GET / HTTP/1.1\r\n" + H + "\r\n").read();
            assertEquals(200, r.status());
            assertEquals("ok", r.text());
        }
    }
}
