package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A response to a pipelined request is not held back while the handler of the request behind
 * it blocks: the client gets the first answer while the second is still being worked on.
 */
class PipelinedLatencyTest {

    /** How long the second handler waits for the client to have read the first response. */
    private static final long WAIT_SECONDS = 10;

    private final CountDownLatch firstReceived = new CountDownLatch(1);
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
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
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
}
