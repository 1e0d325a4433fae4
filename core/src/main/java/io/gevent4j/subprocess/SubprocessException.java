package io.gevent4j.subprocess;

import java.util.List;

/**
 * The base of the errors of {@link Popen} and {@link Subprocess} (Python's
 * {@code SubprocessError}): it carries the command and what the process wrote to its piped
 * stdout and stderr, where known ({@code null} where not piped or not read).
 */
public abstract class SubprocessException extends RuntimeException {

    private final List<String> command;
    private final transient byte[] stdout;
    private final transient byte[] stderr;

    SubprocessException(String message, List<String> command, byte[] stdout, byte[] stderr) {
        super(message);
        this.command = List.copyOf(command);
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The command that ran. */
    public List<String> command() {
        return command;
    }

    /** What the process wrote to its stdout, or {@code null} if it was not captured. */
    public byte[] stdout() {
        return stdout;
    }

    /** What the process wrote to its stderr, or {@code null} if it was not captured. */
    public byte[] stderr() {
        return stderr;
    }
}
