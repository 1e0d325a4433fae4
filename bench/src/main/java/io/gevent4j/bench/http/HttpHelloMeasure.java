package io.gevent4j.bench.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP hello world under {@code wrk -t2 -c100 -d5s --latency}: the same unmodified JDK-API
 * app ({@link HelloApp}) in a JVM of its own per server — gevent4j's provider, robaho's
 * httpserver, the JDK's built-in server (its default executor, and a virtual-thread
 * executor) — each run {@value #RUNS} times, the median reported. Per server it prints
 * {@code RESULT} lines: {@code http.HttpHelloMeasure.request} (wall time per request, the
 * inverse of requests/s), {@code .cpu} (the server process's CPU time per request, from
 * {@code /proc/PID/stat}) and {@code .p99} (wrk's 99th-percentile latency); then
 * {@code .pipelined} and {@code .pipelinedCpu}, the same two with each of wrk's connections
 * sending {@value #PIPELINED} requests at a time (a wrk script, HTTP/1.1 pipelining). Needs
 * {@code wrk} on the PATH; the client shares the machine, so compare ratios within one run.
 */
public final class HttpHelloMeasure {

    private static final int RUNS = 3;
    private static final String DURATION = "5s";
    private static final double TICK_NS = 1e9 / 100;
    private static final int PIPELINED = 16;
    /** A wrk script whose every request is {@value #PIPELINED} GETs of {@code /} sent together. */
    private static final String PIPELINE_SCRIPT = """
            init = function(args)
               local r = {}
               for i = 1, %d do r[i] = wrk.format(nil, "/") end
               req = table.concat(r)
            end
            request = function() return req end
            """.formatted(PIPELINED);
    private static final List<String[]> SERVERS = List.of(
            new String[] {"gevent4j", "io.gevent4j.http.GeventHttpServerProvider", ""},
            new String[] {"robaho", "robaho.net.httpserver.DefaultHttpServerProvider", ""},
            new String[] {"jdk", "sun.net.httpserver.DefaultHttpServerProvider", ""},
            new String[] {"jdkvirtual", "sun.net.httpserver.DefaultHttpServerProvider", "virtual"});

    private HttpHelloMeasure() {
    }

    public static void main(String[] args) throws Exception {
        Path logging = Files.createTempFile("http-bench", ".properties");
        Path pipeline = Files.createTempFile("http-bench-pipeline", ".lua");
        Files.writeString(logging, "io.gevent4j.http.access.level = OFF\n");
        Files.writeString(pipeline, PIPELINE_SCRIPT);
        try {
            for (String[] server : SERVERS) {
                measure(server[0], server[1], server[2], logging, pipeline);
            }
        } finally {
            Files.deleteIfExists(logging);
            Files.deleteIfExists(pipeline);
        }
    }

    private static void measure(String name, String provider, String mode, Path logging, Path pipeline) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Dcom.sun.net.httpserver.HttpServerProvider=" + provider,
                "-Djava.util.logging.config.file=" + logging, "-cp", System.getProperty("java.class.path"),
                HelloApp.class.getName(), "0"));
        if (!mode.isEmpty()) {
            command.add(mode);
        }
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("listening ")) {
                throw new IllegalStateException(name + " did not start: " + line);
            }
            String url = "http://127.0.0.1:" + line.substring("listening ".length()) + "/";
            wrk(url, "2s", null);
            series(name, server.pid(), url, null, "request", "cpu", "p99");
            series(name, server.pid(), url, pipeline, "pipelined", "pipelinedCpu", null);
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /**
     * {@value #RUNS} wrk runs against the server at {@code url} (with {@code script}, if not
     * null); prints each, then the medians as {@code RESULT} lines under the keys given
     * ({@code p99Key} null: none).
     */
    private static void series(String name, long pid, String url, Path script, String requestKey, String cpuKey,
                               String p99Key) throws IOException, InterruptedException {
        double[] perRequest = new double[RUNS];
        double[] cpu = new double[RUNS];
        double[] p99 = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long before = cpuTicks(pid);
            String report = wrk(url, DURATION, script);
            long ticks = cpuTicks(pid) - before;
            double rps = number(report, "Requests/sec:\\s+([0-9.]+)");
            long requests = (long) number(report, "(\\d+) requests in");
            perRequest[i] = 1e9 / rps;
            cpu[i] = ticks * TICK_NS / requests;
            p99[i] = latencyNs(report);
            System.out.printf("%s %s run %d: %.0f req/s, %.1f us CPU/request, p99 %.0f us%n",
                    name, requestKey, i + 1, rps, cpu[i] / 1000, p99[i] / 1000);
        }
        System.out.printf("RESULT http.HttpHelloMeasure.%s %s %.1f ns%n", requestKey, name, median(perRequest));
        System.out.printf("RESULT http.HttpHelloMeasure.%s %s %.1f ns%n", cpuKey, name, median(cpu));
        if (p99Key != null) {
            System.out.printf("RESULT http.HttpHelloMeasure.%s %s %.1f ns%n", p99Key, name, median(p99));
        }
    }

    private static String wrk(String url, String duration, Path script) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c100", "-d" + duration, "--latency"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || report.contains("Non-2xx")) {
            throw new IllegalStateException("wrk failed:\n" + report);
        }
        return report;
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static double latencyNs(String report) {
        Matcher m = Pattern.compile("99%\\s+([0-9.]+)(us|ms|s)").matcher(report);
        if (!m.find()) {
            throw new IllegalStateException("no 99% latency in:\n" + report);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v * 1e3;
            case "ms" -> v * 1e6;
            default -> v * 1e9;
        };
    }

    private static double number(String report, String regex) {
        Matcher m = Pattern.compile(regex).matcher(report);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in:\n" + report);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
