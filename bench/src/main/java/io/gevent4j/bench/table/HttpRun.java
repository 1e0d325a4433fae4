package io.gevent4j.bench.table;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One HTTP load run against a server: {@link Wrk}, with the server's CPU read from
 * {@code /proc} before and after; and the check that a server answers the hello world.
 */
final class HttpRun {

    private static final Duration PROBE_LIMIT = Duration.ofSeconds(60);
    private static final String HELLO = "Hello, World!";

    private HttpRun() {
    }

    /**
     * Sends one GET to {@code server} and checks the answer is the hello world (a server just
     * started may take a while on a busy machine: up to a minute).
     *
     * @throws IOException if it answers anything else, or nothing in time
     */
    static void probe(ServerProcess server) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                    .timeout(PROBE_LIMIT).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().equals(HELLO)) {
                throw new IOException("the server answered " + response.statusCode() + " '" + response.body()
                        + "' instead of 200 '" + HELLO + "'");
            }
        }
    }

    /**
     * Runs wrk with {@code conns} connections for {@code duration} against {@code server}.
     *
     * @throws IOException if wrk fails (see {@link Wrk#run})
     */
    static Figures run(ServerProcess server, int conns, Duration duration, Path log) throws IOException, InterruptedException {
        double before = server.cpuNanos();
        Wrk.Report report = Wrk.run(server.port(), conns, duration, log);
        double serverCpu = server.cpuNanos() - before;
        return new Figures(report.requestsPerSecond(), report.p50Nanos(), report.p99Nanos(),
                serverCpu / report.requests(), report.cpuNanos() / report.requests());
    }
}
