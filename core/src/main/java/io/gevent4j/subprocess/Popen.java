package io.gevent4j.subprocess;

import io.gevent4j.AbstractResult;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.Waitable;
import io.gevent4j.event.Event;
import io.gevent4j.fileobject.ThreadedInputStream;
import io.gevent4j.fileobject.ThreadedOutputStream;
import io.gevent4j.hub.ChildWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Linkable;
import io.gevent4j.threadpool.ThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;

/**
 * A child process whose pipes and exit greenlets wait for cooperatively (gevent's
 * {@code gevent.subprocess.Popen}), started from a {@link ProcessBuilder}, whose redirects
 * decide which of stdin, stdout and stderr are pipes (the builder's default: all three).
 *
 * <p>Nothing here blocks the hub: the process is started, and its pipes are read and written,
 * on threads of a small pool of its own (so a process's pipes never wait for another's, nor
 * for the hub's threadpool), and its exit is learnt from a {@link ChildWatcher}. While the
 * process runs, its hub's loop stays alive, so a main greenlet waiting for it never gets
 * {@link io.gevent4j.hub.LoopExit}. A {@code Popen} is {@link Waitable}: {@code Gevent.wait} and
 * {@code iwait} take it, ready once the process exited.
 *
 * <p>Exit statuses are the JDK's: the exit code, or 128 plus the number of the signal that
 * ended the process (Python gives minus the signal's number). A kill or {@link Timeout} of a
 * waiting greenlet is raised where it waits and leaves the process running.
 *
 * <p>Hub-thread only: every method must be called on the hub that started the process (its
 * platform thread or one of its greenlets), else {@link IllegalStateException}.
 */
public final class Popen implements Waitable.Linked, AutoCloseable {

    /** How long an idle pipe thread lingers before it exits. */
    private static final Duration PIPE_THREAD_IDLE = Duration.ofSeconds(1);

    private final Hub hub;
    private final List<String> command;
    private final Process process;
    private final ChildWatcher exitWatcher;
    private final Event exited = new Event();
    private final boolean stdinPiped;
    private final boolean stdoutPiped;
    private final boolean stderrPiped;
    private final ThreadedOutputStream stdin;
    private final ThreadedInputStream stdout;
    private final ThreadedInputStream stderr;
    private Integer returncode;
    private Drain stdoutDrain;
    private Drain stderrDrain;
    private Greenlet<Void> feeder;

    /** Starts {@code command} with all three streams piped. */
    public Popen(String... command) throws IOException {
        this(new ProcessBuilder(command));
    }

    /** Starts {@code command} with all three streams piped. */
    public Popen(List<String> command) throws IOException {
        this(new ProcessBuilder(command));
    }

    /**
     * Starts the process {@code builder} describes, with its redirects and environment; the
     * builder may be reused afterwards.
     *
     * @throws IOException as {@link ProcessBuilder#start()} throws it (no such program, ...)
     */
    public Popen(ProcessBuilder builder) throws IOException {
        this.hub = Hub.current();
        this.command = List.copyOf(builder.command());
        this.stdinPiped = builder.redirectInput() == Redirect.PIPE;
        this.stdoutPiped = builder.redirectOutput() == Redirect.PIPE;
        this.stderrPiped = !builder.redirectErrorStream() && builder.redirectError() == Redirect.PIPE;
        ThreadPool pipes = new ThreadPool(hub, 3, PIPE_THREAD_IDLE);
        this.process = start(pipes, builder);
        this.stdin = new ThreadedOutputStream(process.getOutputStream(), pipes);
        this.stdout = new ThreadedInputStream(process.getInputStream(), pipes);
        this.stderr = new ThreadedInputStream(process.getErrorStream(), pipes);
        this.exitWatcher = hub.loop().child(process);
        exitWatcher.start(this::onExit);
    }

    private static Process start(ThreadPool pool, ProcessBuilder builder) throws IOException {
        try {
            return pool.apply(builder::start);
        } catch (CompletionException e) {
            throw AbstractResult.unwrap(e, IOException.class);
        }
    }

    /** The command the process runs. */
    public List<String> command() {
        return command;
    }

    /** The process's id. */
    public long pid() {
        return process.pid();
    }

    /** The JDK's {@link Process}; its blocking methods block the hub, use this class's instead. */
    public Process process() {
        return process;
    }

    /**
     * The process's standard input, a cooperative stream; closing it sends the process an end
     * of input. If stdin is not a pipe, writes fail with {@link IOException}.
     */
    public OutputStream stdin() {
        return stdin;
    }

    /** The process's standard output, a cooperative stream; at its end at once if not a pipe. */
    public InputStream stdout() {
        return stdout;
    }

    /** The process's standard error, a cooperative stream; at its end at once if not a pipe. */
    public InputStream stderr() {
        return stderr;
    }

    /** The exit status if the process was seen to exit (by a wait, poll or the loop), else empty. */
    public OptionalInt returncode() {
        return returncode == null ? OptionalInt.empty() : OptionalInt.of(returncode);
    }

    /** Looks, without waiting, whether the process exited; returns {@link #returncode()}. */
    public OptionalInt poll() {
        hub.checkCurrent(this);
        if (returncode == null && !process.isAlive()) {
            returncode = process.exitValue();
        }
        return returncode();
    }

    /** Waits cooperatively until the process exits; returns its exit status. */
    public int waitFor() {
        exited.await();
        return poll().orElseThrow();
    }

    /**
     * Waits cooperatively at most {@code timeout} for the process to exit; returns its exit status.
     *
     * @throws TimeoutExpired if it still runs then (it runs on)
     */
    public int waitFor(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!exited.await(timeout)) {
            throw new TimeoutExpired(command, timeout, null, null);
        }
        return poll().orElseThrow();
    }

    /**
     * Sends {@code input} (if not {@code null}) to the process's stdin and closes it, reads its
     * stdout and stderr (those that are pipes) to their end, and waits for it to exit (Python's
     * {@code communicate}); the three run concurrently, so a process that writes a lot before
     * reading its input does not deadlock. A process that exits without reading its input is
     * not an error, as in Python.
     *
     * @param input   bytes for the process's stdin, or {@code null}
     * @param timeout the longest wait, or {@code null} for none
     * @return the exit status and the output read
     * @throws TimeoutExpired with the output read so far if the process has not ended in time; it
     *         runs on, and a later call returns all its output, this part included
     * @throws IllegalArgumentException if {@code input} is given but stdin is not a pipe
     * @throws IOException if reading stdout or stderr fails
     */
    public CompletedProcess communicate(byte[] input, Duration timeout) throws IOException {
        hub.checkCurrent(this);
        if (input != null && !stdinPiped) {
            throw new IllegalArgumentException("input given but the stdin of " + command + " is not a pipe");
        }
        if (feeder == null && stdinPiped) {
            feeder = Gevent.spawn(() -> feed(input));
        }
        if (stdoutDrain == null && stdoutPiped) {
            stdoutDrain = new Drain(stdout);
        }
        if (stderrDrain == null && stderrPiped) {
            stderrDrain = new Drain(stderr);
        }
        if (timeout == null) {
            finishCommunicating();
        } else if (!Timeout.run(timeout, this::finishCommunicating)) {
            throw new TimeoutExpired(command, timeout, Drain.soFar(stdoutDrain), Drain.soFar(stderrDrain));
        }
        return new CompletedProcess(command, returncode, Drain.all(stdoutDrain), Drain.all(stderrDrain));
    }

    private void finishCommunicating() {
        if (feeder != null) {
            feeder.join();
        }
        Drain.join(stdoutDrain);
        Drain.join(stderrDrain);
        waitFor();
    }

    private void feed(byte[] input) {
        try (OutputStream in = stdin) {
            if (input != null) {
                in.write(input);
            }
        } catch (IOException e) {
            // the process exited without reading its input, which Python's communicate also accepts
        }
    }

    /** Ends the process with {@code SIGKILL} ({@link Process#destroyForcibly()}). */
    public void kill() {
        process.destroyForcibly();
    }

    /** Asks the process to end with {@code SIGTERM} ({@link Process#destroy()}). */
    public void terminate() {
        process.destroy();
    }

    /** The process's exit as a linkable: it is {@linkplain #ready() ready} once the process exited and the loop noticed. */
    @Override
    public Linkable linkable() {
        return exited;
    }

    /**
     * Closes the process's streams and waits cooperatively for it to exit (Python's
     * {@code with Popen(...)}); an error closing stdin of a process that no longer reads is
     * ignored.
     */
    @Override
    public void close() throws IOException {
        try {
            stdin.close();
        } catch (IOException e) {
            // a process that exited or closed its input makes the flush fail: nothing is lost
        }
        stdout.close();
        stderr.close();
        waitFor();
    }

    private void onExit() {
        exitWatcher.close();
        returncode = exitWatcher.exitStatus();
        exited.set();
    }

    @Override
    public String toString() {
        return "Popen[pid " + process.pid() + ", " + command
                + (returncode == null ? ", running]" : ", returncode " + returncode + "]");
    }
}
