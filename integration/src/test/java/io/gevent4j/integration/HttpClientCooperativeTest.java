package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import com.sun.net.httpserver.HttpServer;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.*;

/** {@code java.net.http.HttpClient.send} inside greenlets: each waits without holding the hub. */
class HttpClientCooperativeTest {

    @Test
    void twentySlowRequestsOnOneHubOverlap() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService serverThreads = Executors.newFixedThreadPool(32);
        server.setExecutor(serverThreads);
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("hello " + exchange.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            FreshHub.run(() -> {
                try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    int n = 20;
                    long start = System.nanoTime();
                    List<Greenlet<String>> greenlets = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        URI uri = URI.create("http://127.0.0.1:" + port + "/slow?" + i);
                        greenlets.add(Gevent.spawn(() -> client.send(HttpRequest.newBuilder(uri).build(),
                                HttpResponse.BodyHandlers.ofString()).body()));
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals("hello " + i, greenlets.get(i).get());
                    }
                    double took = FreshHub.secondsSince(start);
                    assertTrue(took < 6.0, n + " x 0.5 s requests took " + took + " s (serially: " + n * 0.5 + " s)");
                }
            });
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }
}
