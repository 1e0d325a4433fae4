package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Connections served side by side on one hub: a connection whose read waits while others
 * are served still gets its request, as on the JDK's own server.
 */
class ConcurrentConnectionsTest {

    /** How long {@code /slow} takes: long enough for another connection's request to arrive meanwhile. */
    private static final long SLOW_MILLIS = 300;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        address = server.getAddress();
        server.createContext("/", ex -> ExchangeTest.send(ex, 200, "ok " + ex.getRequestURI().getPath()));
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(SLOW_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ExchangeTest.send(ex, 200, "slow");
        });
        server.createContext("/refuse", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void aConnectionWaitingForItsRequestIsAnsweredWhileAnotherHandlerRuns() throws Exception {
        try (RawClient waiting = new RawClient(address); RawClient busy = new RawClient(address)) {
            assertAnswered(waiting, "/first");
            busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertAnswered(waiting, "/second");
            assertEquals("slow", busy.read().text());
            assertAnswered(busy, "/third");
        }
    }

    @Test
    void aBodyTheHandlerLeftUnreadIsDroppedAndThePipelinedRequestServed() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "PUT /refuse HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            for (int i = 0; i < 2; i++) {
                RawClient.Response refused = c.read();
                assertEquals(405, refused.status());
                assertEquals("GET, HEAD", refused.header("Allow"));
            }
            assertEquals("ok /next", c.read().text());
        }
    }

    /**
     * The file-server example's sequence: a kept-alive HttpClient connection, another connection served
     * and closed, then a POST refused unread.
     */
    @Test
    void aPostRefusedUnreadOnAKeptAliveConnectionIsAnswered() throws Exception {
        String base = "http://127.0.0.1:" + address.getPort();
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/kept")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("ok /kept", get.body());
        try (RawClient other = new RawClient(address)) {
            RawClient.Response r = other.send("GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertEquals("ok /other", r.text());
        }
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/refuse"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    }

    private static void assertAnswered(RawClient client, String path) throws IOException {
        RawClient.Response r = client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
        assertNotNull(r, "the connection was closed without an answer to " + path);
        assertEquals(200, r.status());
        assertEquals("ok " + path, r.text());
    }

    @Test
    void concurrentHttpClientRequestsAreAllAnswered() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + "/slow");
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService twenty = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 100; i++) {
                answers.add(twenty.submit(() -> client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString())));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get();
                assertEquals(200, r.statusCode());
                assertEquals("slow", r.body());
            }
        }
    }
}
