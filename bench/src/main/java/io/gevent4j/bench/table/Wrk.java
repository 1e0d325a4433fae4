package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load client of the table: {@code wrk -t2 -cCONNS -dSECONDS --latency} against
 * {@code http://127.0.0.1:PORT/}, its report appended to a log. wrk runs under bash, whose
 * {@code times} then prints wrk's CPU time (its user and system time as a child). Needs
 * {@code wrk} on the {@code PATH}; the run is bounded by its duration plus a minute.
 */
final class Wrk {

    private static final Duration GRACE = Duration.ofSeconds(60);

    private Wrk() {
    }

    /** What one run of wrk reported. */
    record Report(double requestsPerSecond, long requests, double p50Nanos, double p99Nanos, long socketErrors,
                  double cpuNanos) {
    }

    /**
     * Runs wrk once.
     *
     * @throws IOException if wrk fails, or reports a response other than 2xx or 3xx, or no request
     */
    static Report run(int port, int conns, Duration duration, Path log) throws IOException, InterruptedException {
        List<String> command = List.of("bash", "-c", "wrk \"$@\"; status=$?; times; exit $status", "wrk",
                "-t2", "-c" + conns, "-d" + duration.toSeconds() + "s", "--latency", "http://127.0.0.1:" + port + "/");
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report;
        try {
            report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!wrk.waitFor(duration.plus(GRACE).toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("wrk still runs after " + duration.plus(GRACE).toSeconds() + " s");
            }
        } finally {
            wrk.destroyForcibly();
        }
        Files.writeString(log, "$ " + String.join(" ", command) + "\n" + report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (wrk.exitValue() != 0) {
            throw new IOException("wrk exited with status " + wrk.exitValue() + " (see " + log + ")");
        }
        return parse(report);
    }

    /**
     * Reads wrk's report (with {@code --latency}) followed by bash's {@code times}.
     *
     * @throws IOException if it counts responses other than 2xx or 3xx, or no request, or lacks a figure
     */
    static Report parse(String report) throws IOException {
        if (report.contains("Non-2xx")) {
            throw new IOException("the server answered with errors:\n" + report);
        }
        long requests = (long) number(report, "(\\d+) requests in");
        if (requests == 0) {
            throw new IOException("wrk made no request:\n" + report);
        }
        return new Report(number(report, "Requests/sec:\\s+([0-9.]+)"), requests,
                latencyNanos(report, "50%"), latencyNanos(report, "99%"), socketErrors(report), childCpuNanos(report));
    }

    /** The children's user and system time from the last line of bash's {@code times} ("0m1.234s 0m0.567s"). */
    private static double childCpuNanos(String report) throws IOException {
        Matcher m = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$").matcher(report);
        if (!m.find()) {
            throw new IOException("no CPU times after wrk's report:\n" + report);
        }
        return ((Long.parseLong(m.group(1)) + Long.parseLong(m.group(3))) * 60
                + Double.parseDouble(m.group(2)) + Double.parseDouble(m.group(4))) * 1e9;
    }

    private static long socketErrors(String report) {
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(report);
        long errors = 0;
        if (m.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(m.group(g));
            }
        }
        return errors;
    }

    private static double latencyNanos(String report, String percentile) throws IOException {
        Matcher m = Pattern.compile(percentile + "\\s+([0-9.]+)(us|ms|s)").matcher(report);
        if (!m.find()) {
            throw new IOException("no " + percentile + " latency in wrk's report:\n" + report);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v * 1e3;
            case "ms" -> v * 1e6;
            default -> v * 1e9;
        };
    }

    private static double number(String report, String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(report);
        if (!m.find()) {
            throw new IOException("no " + regex + " in wrk's report:\n" + report);
        }
        return Double.parseDouble(m.group(1));
    }
}
