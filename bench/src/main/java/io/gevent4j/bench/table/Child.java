package io.gevent4j.bench.table;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process the table starts (a server or a load client): every line of its standard output
 * is appended to its log and can be awaited; its standard error goes to the log as is.
 * {@link #close()} ends it if it still runs (SIGTERM, then SIGKILL after 10 s) and waits for
 * it. Used by one thread.
 */
final class Child implements AutoCloseable {

    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    /** Queued after the last line; compared by identity, so no line read can be taken for it. */
    private static final String END = new String("end of output");

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with its output going to {@code log} (appended). */
    static Child start(List<String> command, Path log) throws IOException {
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Child child = new Child(process, log);
        Thread.ofPlatform().daemon().name("child-output-" + process.pid()).start(child::pump);
        return child;
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             OutputStream copy = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = out.readLine()) != null; ) {
                copy.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                copy.flush();
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("error reading the output: " + e);
        } finally {
            lines.add(END);
        }
    }

    /**
     * Waits at most {@code limit} for the next line that starts with {@code prefix}, skipping
     * others, and returns it.
     *
     * @throws IOException if the output ends first, or nothing came in time
     */
    String awaitLine(String prefix, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("no '" + prefix + "' line within " + limit.toSeconds() + " s (see " + log + ")");
            }
            if (line == END) {
                lines.add(END);
                throw new IOException("ended without a '" + prefix + "' line (see " + log + ")");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Its process id. */
    long pid() {
        return process.pid();
    }

    /** Whether it still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Its log file. */
    Path log() {
        return log;
    }

    /** Closes its standard input (a load client holding idle connections ends then). */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /**
     * Waits at most {@code limit} for it to exit.
     *
     * @throws IOException if it still runs then, or exited with a status other than 0
     */
    void awaitExit(Duration limit) throws IOException, InterruptedException {
        if (!process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IOException("still running after " + limit.toSeconds() + " s (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new IOException("exited with status " + process.exitValue() + " (see " + log + ")");
        }
    }

    /** Ends it if it still runs; if interrupted meanwhile, kills it at once and keeps the interrupt. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
