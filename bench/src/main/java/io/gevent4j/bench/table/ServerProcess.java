package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One server of the table, running as a process of its own: started from a command, found
 * through the {@code listening PORT} line it prints first (within a minute), then measured
 * through {@code /proc}. {@link #close()} ends it. Used by one thread.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Child child;
    private final int port;

    private ServerProcess(Child child, int port) {
        this.child = child;
        this.port = port;
    }

    /**
     * Starts {@code command} (output to {@code log}) and waits for its {@code listening PORT} line.
     *
     * @throws IOException if it cannot start, or exits or hangs before it listens; it is ended then
     */
    static ServerProcess start(List<String> command, Path log) throws IOException, InterruptedException {
        Child child = Child.start(command, log);
        boolean started = false;
        try {
            String line = child.awaitLine("listening ", START_LIMIT);
            ServerProcess server = new ServerProcess(child, Integer.parseInt(line.substring("listening ".length()).trim()));
            started = true;
            return server;
        } finally {
            if (!started) {
                child.close();
            }
        }
    }

    /** The port it listens on, on 127.0.0.1. */
    int port() {
        return port;
    }

    /** Its process id (while it runs). */
    long pid() throws IOException {
        return alive();
    }

    /** Its CPU time so far (user + system), in nanoseconds. */
    double cpuNanos() throws IOException {
        return ProcStat.cpuNanos(alive());
    }

    /** Its resident set now, in bytes. */
    long rssBytes() throws IOException {
        return ProcStat.rssBytes(alive());
    }

    private long alive() throws IOException {
        if (!child.isAlive()) {
            throw new IOException("the server exited (see " + child.log() + ")");
        }
        return child.pid();
    }

    @Override
    public void close() {
        child.close();
    }
}
