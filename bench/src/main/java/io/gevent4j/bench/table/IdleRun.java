package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an idle connection costs a server: its resident set (VmRSS) is read, then a load
 * client ({@link EchoLoad} {@code idle}) opens {@code conns} connections and does one round
 * trip on each, so that every handler is back waiting in its read; after a settling pause
 * the resident set is read again, and the growth divided by {@code conns}. The server should
 * have been warmed by an echo run first, so that its code is compiled before the baseline.
 * Bounded: five minutes to open the connections, one to close them.
 */
final class IdleRun {

    private static final Duration OPEN_LIMIT = Duration.ofMinutes(5);
    private static final Duration CLOSE_LIMIT = Duration.ofMinutes(1);
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private IdleRun() {
    }

    /**
     * Returns the server's RSS growth per idle connection, in bytes.
     *
     * @throws IOException if the client fails or the connections are not open in time
     */
    static double bytesPerConnection(ServerProcess server, int conns, List<String> java, Path log)
            throws IOException, InterruptedException {
        Thread.sleep(SETTLE);
        long before = server.rssBytes();
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(EchoLoad.class.getName(), "idle", Integer.toString(server.port()), Integer.toString(conns)));
        try (Child client = Child.start(command, log)) {
            client.awaitLine("idle ", OPEN_LIMIT);
            Thread.sleep(SETTLE);
            long after = server.rssBytes();
            client.closeInput();
            client.awaitExit(CLOSE_LIMIT);
            return (double) (after - before) / conns;
        }
    }
}
