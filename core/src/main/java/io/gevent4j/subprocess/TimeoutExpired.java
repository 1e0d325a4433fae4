package io.gevent4j.subprocess;

import java.time.Duration;
import java.util.List;

/**
 * A wait for a child process ended at its timeout before the process did (Python's
 * {@code subprocess.TimeoutExpired}). The process runs on: {@link Popen#waitFor(Duration)}
 * and {@link Popen#communicate(byte[], Duration)} may be called again, and the latter then
 * returns everything the process wrote, including what this exception holds.
 */
public final class TimeoutExpired extends SubprocessException {

    private final Duration timeout;

    TimeoutExpired(List<String> command, Duration timeout, byte[] stdout, byte[] stderr) {
        super("command " + command + " timed out after " + timeout, command, stdout, stderr);
        this.timeout = timeout;
    }

    /** The timeout that expired. */
    public Duration timeout() {
        return timeout;
    }
}
