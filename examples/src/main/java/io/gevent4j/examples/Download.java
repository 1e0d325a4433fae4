package io.gevent4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gevent4j.pool.Pool;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * The seed's 100 parallel downloads ({@code ./gevent4j run download [PORT]}): starts a local
 * HTTP server on 127.0.0.1:PORT (8003 by default) whose answers take 50 ms, then downloads
 * from it 100 times through a {@link Pool} of 20 greenlets, each calling the JDK's unmodified
 * {@link HttpClient} (as the seed calls urllib2 under monkey patching: its blocking
 * {@code send} parks the greenlet, so the hub runs the others meanwhile). Prints how many
 * downloads ran at once and the total time, then exits.
 *
 * <p>The server is what {@code HttpServer.create} gives: with {@code gevent4j-http} present,
 * gevent4j's, served by greenlets of the same hub as the downloads, each answer's 50 ms
 * sleep parking only its connection's greenlet.
 */
public final class Download {

    private static final int DOWNLOADS = 100;
    private static final int POOL_SIZE = 20;
    private static final long ANSWER_MILLIS = 50;

    private final HttpClient client = HttpClient.newHttpClient();
    private int running;
    private int mostAtOnce;

    private Download() {
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Thread.sleep(ANSWER_MILLIS);
            byte[] body = ("{\"url\": \"" + exchange.getRequestURI() + "\"}\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Downloads {@code uri} in the calling greenlet; returns the body. */
    private String download(URI uri) {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        try {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading " + uri, e);
        } finally {
            running--;
        }
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress address = Examples.loopback(args, 0, 8003);
        HttpServer http = HttpServer.create(address, 128);
        try {
            http.createContext("/get", Download::answer);
            http.start();
            InetSocketAddress bound = http.getAddress();
            Examples.printListening(bound);
            URI uri = URI.create("http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort() + "/get");

            Download downloads = new Download();
            long start = System.nanoTime();
            List<String> bodies = new Pool(POOL_SIZE).map(downloads::download, Collections.nCopies(DOWNLOADS, uri));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d downloads (%d bytes each) through Pool(%d): at most %d at once, %.2f s "
                            + "(one after another: at least %.1f s)%n",
                    bodies.size(), bodies.get(0).length(), POOL_SIZE, downloads.mostAtOnce, seconds,
                    DOWNLOADS * ANSWER_MILLIS / 1000.0);
        } finally {
            http.stop(0);
        }
    }
}
