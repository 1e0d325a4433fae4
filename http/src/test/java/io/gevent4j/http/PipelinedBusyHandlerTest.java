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
 * it works without switching (computes, or makes a call that blocks the hub's thread, as file
 * I/O does): the client gets the first answer while the second is still being worked on.
 */
class PipelinedBusyHandlerTest {

    /** How long the second handler works, at most, waiting for the client to have read the first response. */
    private static final long WORK_SECONDS = 10;

    private final CountDownLatch firstReceived = new CountDownLatch(1);
    private HttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        address = server.getAddress();
        server.createContext("/fast", ex -> ExchangeTest.send(ex, 200, "fast"));
        server.createContext("/computes", ex -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WORK_SECONDS);
            while (firstReceived.getCount() > 0 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait(); // works on the hub's thread without switching
            }
            ExchangeTest.send(ex, 200, firstReceived.getCount() == 0
                    ? "the client had the first response" : "the first response was held back");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aHandlerThatWorksWithoutSwitchingDoesNotHoldBackThePreviousPipelinedResponse() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /computes HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("fast", c.read().text());
            firstReceived.countDown();
            assertEquals("the client had the first response", c.read().text());
        }
    }
}
