package io.gevent4j.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response held for a pipelined request whose head has only partly arrived is sent by the
 * read that waits for the rest of that head. If the peer does not read it within the I/O
 * timeout, part of the response has left and the connection must end: no status page may
 * follow the partial response on the same stream (the peer would read it as response body).
 */
class HeldResponseWriteTimeoutTest {

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(2);
    /** Fits the connection's pooled array, and is more than the shrunk socket buffers hold together (about 7 KB). */
    private static final int BODY = 15_000;

    private HttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        HttpServerLimits limits = new HttpServerLimits(8 * 1024, 32 * 1024, 100, 1024 * 1024,
                Duration.ofSeconds(30), Duration.ofSeconds(30), IO_TIMEOUT);
        server = new GeventHttpServerProvider(limits).createHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/big", ex -> {
            shrinkSendBuffer(ex);
            byte[] body = new byte[BODY];
            Arrays.fill(body, (byte) 'a');
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        address = (InetSocketAddress) server.getAddress();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The server's socket of {@code ex}'s connection gets a small send buffer (no kernel autotuning). */
    private static void shrinkSendBuffer(HttpExchange ex) throws IOException {
        try {
            Field connection = Exchange.class.getDeclaredField("connection");
            connection.setAccessible(true);
            Field transport = Connection.class.getDeclaredField("transport");
            transport.setAccessible(true);
            Transport t = (Transport) transport.get(connection.get(ex));
            t.socket().setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHeldResponseThatTimesOutEndsTheConnectionWithoutAStatusPageAfterIt() throws Exception {
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(1024);
            client.connect(address);
            client.setSoTimeout(20_000);
            String pipelined = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /big HTTP/1.1\r\n"; // the second head partly sent
            client.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();

            Thread.sleep(IO_TIMEOUT.toMillis() * 3 / 2); // read nothing until the server's write timed out
            byte[] got = client.getInputStream().readAllBytes();
            String text = new String(got, StandardCharsets.ISO_8859_1);

            assertTrue(text.startsWith("HTTP/1.1 200"), "the response begins: " + text.substring(0, Math.min(40, text.length())));
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            String after = text.substring(bodyStart);
            assertFalse(after.contains("HTTP/1.1 "), "no response after the partly sent one, in its body: "
                    + after.substring(Math.max(0, after.indexOf("HTTP/1.1 ")), Math.min(after.length(), after.indexOf("HTTP/1.1 ") + 30)));
            assertTrue(after.length() < BODY, "the held response could not leave whole, " + after.length() + " bytes");
            assertEquals(after.length(), after.chars().filter(c -> c == 'a').count(), "only body bytes after the head");
        }
    }
}
