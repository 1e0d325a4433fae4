package io.gevent4j.socket;

import io.gevent4j.Gevent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code openssl s_server} on a free loopback port, with a fresh self-signed certificate,
 * driven through its standard input (a line is sent to the client; {@code "r"} makes it
 * renegotiate) and watched through its output. Waits poll with {@code Gevent.sleep}, so the
 * hub runs meanwhile. {@link #available()} tells whether the openssl binary is there.
 */
final class OpensslServer implements AutoCloseable {

    private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)");

    private final Path dir;
    private final Process process;
    private final OutputStream stdin;
    private final List<String> lines = new ArrayList<>();
    private final int port;

    OpensslServer(String... options) throws Exception {
        dir = Files.createTempDirectory("gevent4j-openssl");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-days", "1", "-subj", "/CN=localhost");
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
                "-cert", dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString()));
        command.addAll(List.of(options));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().name("openssl-output").start(this::collect);
        String accept = awaitLine(ACCEPT.pattern());
        Matcher m = ACCEPT.matcher(accept);
        if (!m.find()) {
            throw new IOException("no port in " + accept);
        }
        port = Integer.parseInt(m.group(1));
    }

    /** Whether {@code openssl} can be run here. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    /** Writes {@code line} to the server's standard input. */
    void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    /** The first output line matching {@code regex}, waiting for it up to a minute. */
    String awaitLine(String regex) throws IOException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                for (String line : lines) {
                    if (p.matcher(line).find()) {
                        return line;
                    }
                }
            }
            Gevent.sleep(0.01);
        }
        synchronized (lines) {
            throw new IOException("openssl s_server never printed /" + regex + "/; it printed " + lines);
        }
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("(output ended: " + e + ")");
            }
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
