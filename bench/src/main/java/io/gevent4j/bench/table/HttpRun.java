package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** One HTTP load run against a server: {@link Wrk}, with the server's CPU read from {@code /proc} before and after. */
final class HttpRun {

    private HttpRun() {
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
