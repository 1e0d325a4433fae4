package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a running JVM after a full GC, as {@code jcmd PID GC.class_histogram}
 * prints them (the command collects first): the total bytes, and the instances and bytes of
 * each class. Two histograms subtracted show what a workload keeps alive, class by class.
 * Immutable.
 */
final class HeapHistogram {

    private static final Duration JCMD_LIMIT = Duration.ofMinutes(2);
    private static final Pattern CLASS_LINE = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");
    private static final Pattern TOTAL_LINE = Pattern.compile("Total\\s+(\\d+)\\s+(\\d+)\\s*");

    /** What one class holds: its instances and their bytes. */
    record Entry(String className, long instances, long bytes) {
    }

    /** How many of the classes that shrank {@link #describeGrowth} names. */
    private static final int SHRANK_LOGGED = 5;

    private final long totalBytes;
    private final Map<String, Entry> classes;

    private HeapHistogram(long totalBytes, Map<String, Entry> classes) {
        this.totalBytes = totalBytes;
        this.classes = classes;
    }

    /**
     * Runs {@code jcmd pid GC.class_histogram} (a full GC, then the count) and parses its
     * output; waits at most two minutes.
     *
     * @throws IOException if jcmd fails, takes longer, or prints no {@code Total} line
     */
    static HeapHistogram take(Path jcmd, long pid) throws IOException, InterruptedException {
        Path output = Files.createTempFile("gevent4j-histogram-", ".txt");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(JCMD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("jcmd " + pid + " GC.class_histogram took more than " + JCMD_LIMIT.toSeconds() + " s");
            }
            List<String> lines = Files.readAllLines(output);
            if (process.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + String.join("\n", lines));
            }
            return parse(lines);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * Parses the output of {@code GC.class_histogram}.
     *
     * @throws IOException if it has no {@code Total} line
     */
    static HeapHistogram parse(List<String> lines) throws IOException {
        Map<String, Entry> classes = new HashMap<>();
        for (String line : lines) {
            Matcher total = TOTAL_LINE.matcher(line);
            if (total.matches()) {
                return new HeapHistogram(Long.parseLong(total.group(2)), classes);
            }
            Matcher m = CLASS_LINE.matcher(line);
            if (m.matches()) {
                classes.merge(m.group(3), new Entry(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                        (a, b) -> new Entry(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        throw new IOException("no 'Total' line in the class histogram: " + String.join("\n", lines));
    }

    /** The bytes of all live objects. */
    long totalBytes() {
        return totalBytes;
    }

    /**
     * How each class's bytes changed since {@code before} (classes that shrank or went
     * included, negative), the largest growth first.
     */
    List<Entry> changesSince(HeapHistogram before) {
        Map<String, Entry> all = new HashMap<>();
        before.classes.forEach((name, e) -> all.put(name, new Entry(name, -e.instances(), -e.bytes())));
        classes.forEach((name, e) -> all.merge(name, e,
                (old, now) -> new Entry(name, now.instances() + old.instances(), now.bytes() + old.bytes())));
        List<Entry> changes = new ArrayList<>(all.values().stream().filter(e -> e.bytes() != 0).toList());
        changes.sort(Comparator.comparingLong(Entry::bytes).reversed());
        return changes;
    }

    /**
     * The {@code top} classes that grew most since {@code before}, per connection of
     * {@code conns}: one line each, bytes and instances per connection, then the class; then
     * the few that shrank most (what makes a total smaller than the growth listed).
     */
    String describeGrowth(HeapHistogram before, int conns, int top) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "live heap growth: %,.0f B per connection; the classes that grew most, per connection:%n",
                (double) (totalBytes - before.totalBytes) / conns));
        List<Entry> changes = changesSince(before);
        changes.stream().filter(e -> e.bytes() > 0).limit(top).forEach(e -> line(out, e, conns));
        List<Entry> shrank = changes.reversed().stream().filter(e -> e.bytes() < 0).limit(SHRANK_LOGGED).toList();
        if (!shrank.isEmpty()) {
            out.append("the classes that shrank most, per connection:\n");
            shrank.forEach(e -> line(out, e, conns));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Entry e, int conns) {
        out.append(String.format(Locale.ROOT, "%10.1f B %8.2f  %s%n",
                (double) e.bytes() / conns, (double) e.instances() / conns, e.className()));
    }
}
