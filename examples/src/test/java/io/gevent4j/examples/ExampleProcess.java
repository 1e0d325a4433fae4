package io.gevent4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An example run as {@code ./gevent4j run} runs it: {@link Run} in a JVM of its own, with the
 * test's class path and gevent4j's flag; its standard output is read line by line, its
 * standard error goes to the test's.
 */
final class ExampleProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;

    ExampleProcess(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Run.class.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The next line of output; fails at its end. */
    String readLine() throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new AssertionError("the example ended; exit status " + exitStatus());
        }
        return line;
    }

    /** Reads the first line, which must be {@code listening on 127.0.0.1:PORT}, and returns that address. */
    InetSocketAddress listening() throws IOException {
        String line = readLine();
        if (!line.matches("listening on 127\\.0\\.0\\.1:[1-9][0-9]*")) {
            throw new AssertionError("first line: " + line);
        }
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(line.substring(line.lastIndexOf(':') + 1)));
    }

    /** Waits for the example to end by itself and returns its exit status. */
    int exitStatus() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the example did not end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** Interrupts the example (SIGTERM, as Ctrl-C's SIGINT ends it) and waits for it to end. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }
}
