package io.gevent4j.http;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HttpExchange contract and HTTP/1.1 as served, through the JDK's own API and clients. */
class ExchangeTest {

    private HttpServer server;
    private InetSocketAddress address;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        address = server.getAddress();
        server.createContext("/", ex -> send(ex, 200, "root " + ex.getRequestURI().getPath()));
        server.createContext("/echo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("X-Method", ex.getRequestMethod());
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 5; i++) {
                    out.write(("part" + i + ";").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        });
        server.createContext("/fail", ex -> {
            throw new IllegalStateException("handler bug");
        });
        server.createContext("/silent", ex -> { });
        server.start();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    static void send(HttpExchange ex, int code, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServiceLoaderGivesGevent4jsServer() {
        assertInstanceOf(GeventHttpServer.class, server);
        assertTrue(address.getPort() > 0);
    }

    @Test
    void theLifecycleIsTheJdks() throws Exception {
        assertThrows(java.net.BindException.class, () -> HttpServer.create(address, 0));
        assertThrows(IllegalStateException.class, server::start);
        assertThrows(IllegalArgumentException.class, () -> server.createContext("/", ex -> { }), "path taken");
        assertThrows(IllegalArgumentException.class, () -> server.createContext("nope", ex -> { }));
        assertThrows(IllegalArgumentException.class, () -> server.removeContext("/missing"));
        HttpServer unstarted = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        InetSocketAddress bound = unstarted.getAddress();
        unstarted.stop(0);
        assertThrows(java.net.ConnectException.class, () -> new java.net.Socket(bound.getAddress(), bound.getPort()).close());
        HttpServer unbound = HttpServer.create();
        assertNull(unbound.getAddress());
        assertThrows(IllegalStateException.class, unbound::start);
    }

    @Test
    void contextsAreFoundByLongestPrefix() throws Exception {
        server.createContext("/a", ex -> send(ex, 200, "a"));
        server.createContext("/a/b", ex -> send(ex, 200, "ab"));
        assertEquals("ab", get("/a/b/c").body());
        assertEquals("a", get("/a/x").body());
        assertEquals("root /zzz", get("/zzz").body());
        server.removeContext("/a/b");
        assertEquals("a", get("/a/b/c").body());
    }

    @Test
    void noContextIs404AndTheConnectionStaysUsable() throws Exception {
        server.removeContext("/");
        try (RawClient c = new RawClient(address)) {
            c.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(404, c.read().status());
            c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, c.read().status());
        }
    }

    @Test
    void postBodiesAreEchoedWithLengthAndChunked() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("hello body")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("hello body", r.body());
        assertEquals("POST", r.headers().firstValue("X-Method").orElseThrow());
        try (RawClient c = new RawClient(address)) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: dropped\r\n\r\n"
                    + "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response first = c.read();
            assertEquals("hello, world", first.text());
            RawClient.Response second = c.read();
            assertEquals(200, second.status());
            assertEquals("0", second.header("Content-Length"));
        }
    }

    @Test
    void chunkedResponsesStream() throws Exception {
        HttpResponse<String> r = get("/chunked");
        assertEquals("part0;part1;part2;part3;part4;", r.body());
        try (RawClient c = new RawClient(address)) {
            RawClient.Response raw = c.send("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals("chunked", raw.header("Transfer-Encoding"));
            assertNull(raw.header("Content-Length"));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawClient c = new RawClient(address)) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                all.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            c.send(all.toString());
            for (int i = 0; i < 20; i++) {
                assertEquals("root /p" + i, c.read().text());
            }
        }
    }

    @Test
    void headHasNoBodyAndKeepsTheConnection() throws Exception {
        try (RawClient c = new RawClient(address)) {
            RawClient.Response head = c.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(200, head.status());
            assertEquals("7", head.header("Content-Length"), "the length the handler announced, its body dropped");
            RawClient.Response next = c.send("GET /y HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals("root /y", next.text());
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
        try (RawClient c = new RawClient(address)) {
            RawClient.Response r = c.send("GET /one HTTP/1.0\r\n\r\n").read();
            assertEquals("root /one", r.text());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
        try (RawClient c = new RawClient(address)) {
            RawClient.Response r = c.send("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals("root /two", c.send("GET /two HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().text());
        }
        try (RawClient c = new RawClient(address)) {
            RawClient.Response r = c.send("GET /chunked HTTP/1.0\r\n\r\n").read();
            assertNull(r.header("Transfer-Encoding"));
            assertEquals("part0;part1;part2;part3;part4;", r.text());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawClient c = new RawClient(address)) {
            RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void expectContinueIsAnsweredOnFirstRead() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, c.read(true).status());
            RawClient.Response r = c.send("ping").read();
            assertEquals("ping", r.text());
        }
        try (RawClient c = new RawClient(address)) {
            c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawClient.Response r = c.read();
            assertEquals(200, r.status(), "a handler that never reads gets no 100 Continue sent");
            assertEquals("close", r.header("Connection"));
        }
    }

    @Test
    void handlerExceptionsAre500AndTheServerGoesOn() throws Exception {
        assertEquals(500, get("/fail").statusCode());
        assertEquals(500, get("/silent").statusCode());
        assertEquals(200, get("/").statusCode());
    }

    @Test
    void aHandlerFailingMidResponseLosesItsConnection() throws Exception {
        server.createContext("/half", ex -> {
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write("half".getBytes(StandardCharsets.US_ASCII));
            ex.getResponseBody().flush();
            throw new IOException("the handler's source failed");
        });
        try (RawClient c = new RawClient(address)) {
            c.send("GET /half HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThrows(Exception.class, c::read, "the chunked body never ends: the connection was closed");
        }
        assertEquals(200, get("/").statusCode());
    }

    @Test
    void eachRequestIsLoggedInCommonLogFormat() throws Exception {
        java.util.logging.Logger access = java.util.logging.Logger.getLogger(AccessLog.NAME);
        java.util.logging.Level level = access.getLevel();
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        access.addHandler(capture);
        access.setLevel(java.util.logging.Level.INFO);
        try {
            try (RawClient c = new RawClient(address)) {
                assertEquals(200, c.send("GET /logged?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
            for (int i = 0; i < 1000 && lines.isEmpty(); i++) {
                Thread.sleep(10); // the line is logged once the response has left
            }
        } finally {
            access.setLevel(level);
            access.removeHandler(capture);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] "
                + "\"GET /logged\\?q=1 HTTP/1\\.1\" 200 12"), lines.get(0));
    }

    @Test
    void responseHeadersWithCrOrLfAreRefused() throws Exception {
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        server.createContext("/split", ex -> {
            try {
                ex.getResponseHeaders().put("X-Evil", List.of("a\r\nSet-Cookie: x=1"));
                ex.sendResponseHeaders(200, -1);
            } catch (IllegalArgumentException e) {
                seen.add(e);
                ex.getResponseHeaders().remove("X-Evil");
                ex.sendResponseHeaders(204, -1);
            }
        });
        server.createContext("/bad-name", ex -> {
            try {
                ex.getResponseHeaders().add("Bad Name", "v");
                ex.sendResponseHeaders(200, -1);
            } catch (IllegalArgumentException e) {
                seen.add(e);
                ex.getResponseHeaders().remove("Bad Name");
                ex.sendResponseHeaders(204, -1);
            }
        });
        assertEquals(204, get("/bad-name").statusCode());
        HttpResponse<String> r = get("/split");
        assertEquals(204, r.statusCode());
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(2, seen.size());
    }

    @Test
    void filtersRunInOrderAroundTheHandlerAndSeeAttributes() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        var ctx = server.createContext("/f", ex -> {
            order.add("handler " + ex.getAttribute("seen"));
            send(ex, 200, "f");
        });
        ctx.getFilters().add(filter("one", order));
        ctx.getFilters().add(filter("two", order));
        assertEquals("f", get("/f").body());
        assertEquals(List.of("one", "two", "handler two"), order);
    }

    private static Filter filter(String name, List<String> order) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                order.add(name);
                exchange.setAttribute("seen", name);
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return name;
            }
        };
    }

    @Test
    void basicAuthenticatorGuardsAContext() throws Exception {
        var ctx = server.createContext("/secret", ex -> send(ex, 200, "hello " + ex.getPrincipal().getUsername()));
        ctx.setAuthenticator(new BasicAuthenticator("realm") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return user.equals("alice") && password.equals("pw");
            }
        });
        HttpResponse<String> denied = get("/secret");
        assertEquals(401, denied.statusCode());
        assertTrue(denied.headers().firstValue("WWW-Authenticate").orElseThrow().contains("realm"));
        String auth = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/secret"))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("hello alice", ok.body());
    }

    @Test
    void theExchangeReportsItsRequest() throws Exception {
        List<String> seen = new ArrayList<>();
        server.createContext("/info", ex -> {
            seen.add(ex.getProtocol());
            seen.add(ex.getRequestURI().getRawQuery());
            seen.add(ex.getRequestHeaders().getFirst("x-custom"));
            seen.add(String.valueOf(ex.getLocalAddress().getPort() == address.getPort()));
            seen.add(String.valueOf(ex.getRemoteAddress().getAddress().isLoopbackAddress()));
            seen.add(String.valueOf(ex.getResponseCode()));
            assertThrows(UnsupportedOperationException.class, () -> ex.getRequestHeaders().add("a", "b"));
            assertThrows(UnsupportedOperationException.class, () -> ex.getRequestHeaders().get("X-custom").add("w"));
            assertThrows(UnsupportedOperationException.class, () -> ex.getRequestHeaders().keySet().clear());
            assertThrows(UnsupportedOperationException.class, () -> ex.getRequestHeaders().computeIfAbsent("b", k -> List.of()));
            assertThrows(UnsupportedOperationException.class, () -> ex.getRequestHeaders().entrySet().iterator().next().setValue(List.of()));
            ex.sendResponseHeaders(201, 2);
            seen.add(String.valueOf(ex.getResponseCode())); // before the response leaves, at close
            ex.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            ex.close();
        });
        try (RawClient c = new RawClient(address)) {
            assertEquals(201, c.send("GET /info?q=1 HTTP/1.1\r\nHost: x\r\nX-Custom: v \r\n\r\n").read().status());
        }
        assertEquals(List.of("HTTP/1.1", "q=1", "v", "true", "true", "-1", "201"), seen);
    }
}
