package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One echo load run against a server: {@link EchoLoad} in a JVM of its own, the server's CPU
 * read from {@code /proc} when the load client's measurement window opens and after it
 * closes. Bounded: the client gets its warm-up and window plus two minutes for connecting
 * and reporting, then is ended.
 */
final class EchoRun {

    private static final Duration GRACE = Duration.ofMinutes(2);

    private EchoRun() {
    }

    /**
     * Runs {@code conns} echo connections against {@code server} and returns the figures of the window.
     *
     * @throws IOException if the load client fails or does not report in time
     */
    static Figures run(ServerProcess server, int conns, Duration warmup, Duration window, List<String> java, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(EchoLoad.class.getName(), "run", Integer.toString(server.port()), Integer.toString(conns),
                Long.toString(warmup.toMillis()), Long.toString(window.toMillis())));
        try (Child client = Child.start(command, log)) {
            client.awaitLine("start", warmup.plus(GRACE));
            double serverBefore = server.cpuNanos();
            String[] result = client.awaitLine("result ", window.plus(GRACE)).split(" ");
            double serverCpu = server.cpuNanos() - serverBefore;
            client.awaitExit(GRACE);
            long roundTrips = Long.parseLong(result[1]);
            if (roundTrips == 0) {
                throw new IOException("no round trip in the window (see " + log + ")");
            }
            return new Figures(roundTrips / Double.parseDouble(result[2]), Double.parseDouble(result[3]),
                    Double.parseDouble(result[4]), serverCpu / roundTrips, Double.parseDouble(result[5]) / roundTrips);
        }
    }
}
