package io.gevent4j.subprocess;

import java.util.List;

/**
 * A process run by {@link Subprocess#checkCall}, {@link Subprocess#checkOutput} or a checked
 * {@link Subprocess#run} exited with a non-zero status (Python's
 * {@code subprocess.CalledProcessError}).
 */
public final class CalledProcessError extends SubprocessException {

    private final int returncode;

    CalledProcessError(List<String> command, int returncode, byte[] stdout, byte[] stderr) {
        super("command " + command + " returned non-zero exit status " + returncode, command, stdout, stderr);
        this.returncode = returncode;
    }

    /** The process's exit status. */
    public int returncode() {
        return returncode;
    }
}
