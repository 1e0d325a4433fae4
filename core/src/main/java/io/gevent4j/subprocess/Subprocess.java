package io.gevent4j.subprocess;

import java.io.IOException;
import java.time.Duration;

/**
 * Python's {@code subprocess} functions over {@link Popen}: run a command to its end while
 * the calling greenlet waits cooperatively. The variants taking strings build a
 * {@link ProcessBuilder} as Python would: {@code call} and {@code checkCall} let the child
 * share this process's stdin, stdout and stderr, {@code checkOutput} captures stdout, and
 * {@code run} captures stdout and stderr. The variants taking a {@link ProcessBuilder} use
 * its redirects as they are (the JDK's default: all three piped, and then captured).
 *
 * <p>With a timeout, a process still running when it expires is killed, waited for, and
 * {@link TimeoutExpired} thrown with the output read so far, as Python does. Every method
 * must be called on a hub's thread (a platform thread or a greenlet) and throws
 * {@link IOException} when the process cannot be started or its pipes fail.
 */
public final class Subprocess {

    private Subprocess() {
    }

    /** Runs {@code command} sharing this process's standard streams; returns its exit status. */
    public static int call(String... command) throws IOException {
        return call(new ProcessBuilder(command).inheritIO(), null);
    }

    /**
     * Runs the process {@code builder} describes; returns its exit status.
     *
     * @param timeout the longest wait, or {@code null} for none
     * @throws TimeoutExpired if it had to be killed at {@code timeout}
     */
    public static int call(ProcessBuilder builder, Duration timeout) throws IOException {
        return run(builder, null, timeout, false).returncode();
    }

    /**
     * Runs {@code command} sharing this process's standard streams.
     *
     * @throws CalledProcessError if it exits with a non-zero status
     */
    public static void checkCall(String... command) throws IOException {
        checkCall(new ProcessBuilder(command).inheritIO(), null);
    }

    /**
     * Runs the process {@code builder} describes.
     *
     * @param timeout the longest wait, or {@code null} for none
     * @throws CalledProcessError if it exits with a non-zero status
     * @throws TimeoutExpired if it had to be killed at {@code timeout}
     */
    public static void checkCall(ProcessBuilder builder, Duration timeout) throws IOException {
        run(builder, null, timeout, true);
    }

    /**
     * Runs {@code command} with its stdout captured (stdin and stderr shared); returns that output.
     *
     * @throws CalledProcessError (holding the output) if it exits with a non-zero status
     */
    public static byte[] checkOutput(String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        return checkOutput(builder, null);
    }

    /**
     * Runs the process {@code builder} describes, whose stdout must be a pipe; returns that output.
     *
     * @param timeout the longest wait, or {@code null} for none
     * @throws CalledProcessError (holding the output) if it exits with a non-zero status
     * @throws TimeoutExpired if it had to be killed at {@code timeout}
     * @throws IllegalArgumentException if the builder does not pipe stdout
     */
    public static byte[] checkOutput(ProcessBuilder builder, Duration timeout) throws IOException {
        if (builder.redirectOutput() != ProcessBuilder.Redirect.PIPE) {
            throw new IllegalArgumentException("checkOutput needs stdout as a pipe, not " + builder.redirectOutput());
        }
        return run(builder, null, timeout, true).stdout();
    }

    /** Runs {@code command} with stdin, stdout and stderr piped and captured, nothing sent to stdin. */
    public static CompletedProcess run(String... command) throws IOException {
        return run(new ProcessBuilder(command), null, null, false);
    }

    /**
     * Runs the process {@code builder} describes to its end (Python's {@code subprocess.run}).
     *
     * @param input   bytes for its stdin (which must then be a pipe), or {@code null}
     * @param timeout the longest wait, or {@code null} for none
     * @param check   whether a non-zero exit status is a {@link CalledProcessError}
     * @return its exit status and the output it wrote to the pipes
     * @throws TimeoutExpired if it had to be killed at {@code timeout}
     */
    public static CompletedProcess run(ProcessBuilder builder, byte[] input, Duration timeout, boolean check)
            throws IOException {
        try (Popen p = new Popen(builder)) {
            CompletedProcess done;
            try {
                done = p.communicate(input, timeout);
            } catch (TimeoutExpired e) {
                p.kill();
                p.communicate(null, null);
                throw e;
            }
            return check ? done.checkReturncode() : done;
        }
    }
}
