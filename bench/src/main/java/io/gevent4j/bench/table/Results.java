package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where the table's server figures go: one line {@code RESULT <key> <implementation>
 * <value> <unit>} per figure (the format of {@code bench/run}, see bench/README.md), appended
 * to a file as soon as measured and echoed to standard output. Units: {@code /s} for rates,
 * {@code ns} for times, {@code B} for memory. Used by one thread.
 */
final class Results {

    private final Path file;

    Results(Path file) {
        this.file = file;
    }

    /** Appends one figure. */
    void add(String key, String impl, double value, String unit) throws IOException {
        String line = String.format(Locale.ROOT, "RESULT %s %s %.1f %s%n", key, impl, value, unit);
        Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(line);
    }

    /** Appends the figures of a load run under {@code key}{@code .rate}, {@code .p50}, {@code .p99}, {@code .cpu}, {@code .clientcpu}. */
    void add(String key, String impl, Figures f) throws IOException {
        add(key + ".rate", impl, f.rate(), "/s");
        add(key + ".p50", impl, f.p50Nanos(), "ns");
        add(key + ".p99", impl, f.p99Nanos(), "ns");
        add(key + ".cpu", impl, f.serverCpuNanos(), "ns");
        add(key + ".clientcpu", impl, f.clientCpuNanos(), "ns");
    }
}
