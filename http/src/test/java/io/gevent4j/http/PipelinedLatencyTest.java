package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response to a pipelined request is not held back while the handler of the request behind
 * it blocks: the client gets the first answer while the second is still being worked on,
 * whether that handler blocks in a JDK call or in a gevent4j wait, and a kill or a stop of
 * the blocked handler's connection still delivers it before the connection closes. The
 * server gathers pipelined responses to send them together; they all arrive, in order.
 */
class PipelinedLatencyTest {

    /** How long the second handler waits for the client to have read the first response. */
    private static final long WAIT_SECONDS = 10;
    /** How long {@code /blocks} sleeps if nothing ends it first: far longer than any test waits. */
    private static final Duration BLOCK = Duration.ofSeconds(60);
    private static final int READ_LIMIT_MILLIS = 20_000;

    private final CountDownLatch firstReceived = new CountDownLatch(1);
    private final CompletableFuture<Greenlet<?>> blocked = new CompletableFuture<>();
    private HttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        address = server.getAddress();
        server.createContext("/fast", ex -> ExchangeTest.send(ex, 200, "fast"));
        server.createContext("/waits", ex -> {
            boolean released;
            try {
                released = firstReceived.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                released = false;
            }
            ExchangeTest.send(ex, 200, released ? "the client had the first response" : "the first response was held back");
        });
        server.createContext("/n", ex -> ExchangeTest.send(ex, 200, ex.getRequestURI().getQuery()));
        server.createContext("/blocks", ex -> {
            blocked.complete(Gevent.getCurrent());
            Gevent.sleep(BLOCK);
            ExchangeTest.send(ex, 200, "woke");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String pipelined(String... targets) {
        StringBuilder sb = new StringBuilder();
        for (String t : targets) {
            sb.append("GET ").append(t).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        return sb.toString();
    }

    @Test
    void aBlockingHandlerDoesNotHoldBackThePreviousPipelinedResponse() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /waits HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("fast", c.read().text());
            firstReceived.countDown();
            assertEquals("the client had the first response", c.read().text());
        }
    }

    @Test
    void aHeldResponseLeavesWhenTheNextHandlerBlocksInAGeventWait() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.setTimeout(READ_LIMIT_MILLIS);
            c.send(pipelined("/n?1", "/n?2", "/blocks"));
            assertEquals("1", c.read().text());
            assertEquals("2", c.read().text(), "both before the blocking handler's sleep ends");
        }
    }

    @Test
    void killingTheBlockedHandlerStillDeliversTheHeldResponseThenCloses() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.setTimeout(READ_LIMIT_MILLIS);
            c.send(pipelined("/n?1", "/blocks"));
            blocked.get(READ_LIMIT_MILLIS, TimeUnit.MILLISECONDS).kill();
            assertEquals("1", c.read().text());
            assertTrue(c.closedByServer(), "the killed connection closes");
        }
    }

    @Test
    void stoppingTheServerWhileAHandlerBlocksStillDeliversTheHeldResponse() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.setTimeout(READ_LIMIT_MILLIS);
            c.send(pipelined("/n?1", "/blocks"));
            blocked.get(READ_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
            server.stop(0);
            assertEquals("1", c.read().text());
            assertTrue(c.closedByServer(), "the stopped server closes the connection");
        }
    }

    @Test
    void everyPipelinedResponseArrivesInOrder() throws Exception {
        String[] targets = new String[40];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = "/n?" + i;
        }
        try (RawClient c = new RawClient(address)) {
            c.setTimeout(READ_LIMIT_MILLIS);
            c.send(pipelined(targets));
            for (int i = 0; i < targets.length; i++) {
                assertEquals(Integer.toString(i), c.read().text());
            }
            assertEquals("again", c.send(pipelined("/n?again")).read().text(), "the connection stays usable");
        }
    }
}
