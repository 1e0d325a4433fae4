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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections served side by side on one hub: a connection whose read waits while others
 * are served still gets its request, as on the JDK's own server.
 */
class ConcurrentConnectionsTest {

    /** How long {@code /slow} takes: long enough for another connection's request to arrive meanwhile. */
    private static final long SLOW_MILLIS = 300;

    /** How many requests the pipelining client sends behind its gate: more than the loop's busy polls could leave unseen. */
    private static final int PIPELINED = 2000;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The paths {@code /order/...} answered, in the order the server answered them. */
    private final List<String> answered = java.util.Collections.synchronizedList(new ArrayList<>());
    /** What {@code /order/gate} runs before it answers. */
    private volatile Runnable gate = () -> { };
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
        server.createContext("/order", ex -> {
            if (ex.getRequestURI().getPath().equals("/order/gate")) {
                gate.run();
            }
            answered.add(ex.getRequestURI().getPath());
            ExchangeTest.send(ex, 200, "ok");
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
     * A client that pipelines {@value #PIPELINED} requests does not hold the hub: another
     * connection's request, which arrives while the first is answered from bytes already
     * buffered (the gate handler sends it and waits for it without letting the hub switch),
     * is answered before the last of them.
     */
    @Test
    void aPipeliningClientSharesTheHubWithAnotherConnection() throws Exception {
        try (RawClient other = new RawClient(address); RawClient pipelining = new RawClient(address)) {
            assertAnswered(other, "/first");
            StringBuilder batch = new StringBuilder("GET /order/gate HTTP/1.1\r\nHost: x\r\n\r\n");
            for (int i = 0; i < PIPELINED; i++) {
                batch.append("GET /order/p").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            gate = () -> {
                java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
                Thread.ofPlatform().start(() -> {
                    try {
                        other.send("GET /order/other HTTP/1.1\r\nHost: x\r\n\r\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        sent.set(true);
                    }
                });
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!sent.get() && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // waits without letting the hub switch
                }
            };
            try (ExecutorService reader = Executors.newSingleThreadExecutor()) {
                Future<Integer> responses = reader.submit(() -> {
                    int n = 0;
                    while (n < PIPELINED + 1 && pipelining.read() != null) {
                        n++;
                    }
                    return n;
                });
                pipelining.send(batch.toString());
                assertEquals("ok", other.read().text());
                assertEquals(PIPELINED + 1, responses.get());
            }
        }
        int other = answered.indexOf("/order/other");
        int last = answered.indexOf("/order/p" + (PIPELINED - 1));
        assertTrue(other >= 0 && other < last, "answered " + other + " of the pipelined before the other connection's request");
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
