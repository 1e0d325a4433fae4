package io.gevent4j.subprocess;

import java.util.List;

/**
 * A process that ran to its end (Python's {@code subprocess.CompletedProcess}): its command,
 * its exit status, and what it wrote to its stdout and stderr where they were pipes
 * ({@code null} otherwise). Returned by {@link Subprocess#run} and {@link Popen#communicate}.
 *
 * @param command    the command that ran
 * @param returncode its exit status: the exit code, or 128 plus the number of the signal that
 *                   ended it, as the JDK reports it (Python gives minus the signal's number)
 * @param stdout     its standard output, or {@code null} if not captured
 * @param stderr     its standard error, or {@code null} if not captured
 */
public record CompletedProcess(List<String> command, int returncode, byte[] stdout, byte[] stderr) {

    /** A record of the values given; the command is copied. */
    public CompletedProcess {
        command = List.copyOf(command);
    }

    /**
     * This record if {@link #returncode()} is 0 (Python's {@code check_returncode}).
     *
     * @throws CalledProcessError otherwise
     */
    public CompletedProcess checkReturncode() {
        if (returncode != 0) {
            throw new CalledProcessError(command, returncode, stdout, stderr);
        }
        return this;
    }
}
