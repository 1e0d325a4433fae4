package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the table from {@code RESULT} lines (those of {@code bench/run} and of {@link Table},
 * in any number of files): one row per workload, one column per peer, then gevent4j on one
 * hub and on all hubs, then each of those two against the best peer of the row. A ratio
 * above 1 means gevent4j is better than every peer of that row (faster, smaller, or more
 * round trips per second), below 1 that the named peer is better; an empty cell is a figure
 * not measured. Usage: {@code TableReport [--markdown] RESULTS...}; the table goes to
 * standard output.
 */
public final class TableReport {

    /** The peers' columns, in order. */
    private static final List<String> PEERS = List.of("netty", "robaho", "jdk", "gevent", "eventlet");
    private static final String ONE_HUB = "gevent4j";
    private static final String ALL_HUBS = "gevent4j-hubs";
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\S+) (\\S+) (\\S+)");
    private static final Pattern IDLE = Pattern.compile("table\\.idle:conns=(\\d+)\\.(rss|heap|heapWarm)");

    /**
     * A row: where gevent4j's figures and the peers' come from, and which way is better.
     * gevent4j's figure on all hubs is {@code hubsKey}'s of implementation {@code hubsImpl}:
     * the servers report it as {@code gevent4j-hubs} under the row's key, a JMH benchmark as
     * {@code gevent4j} under a key of its own.
     */
    private record Row(String label, String key, String hubsKey, String hubsImpl, String peerKey, boolean higherIsBetter) {
        static Row cost(String label, String key) {
            return new Row(label, key, key, ALL_HUBS, key, false);
        }

        static Row rate(String label, String key) {
            return new Row(label, key, key, ALL_HUBS, key, true);
        }

        /** A JMH row whose peers are those of {@code peerKey}, with gevent4j on all hubs from {@code hubsKey}. */
        static Row benchmark(String label, String key, String hubsKey, String peerKey) {
            return new Row(label, key, hubsKey, ONE_HUB, peerKey, false);
        }
    }

    private final Map<String, Double> values = new HashMap<>();
    private final Map<String, String> units = new HashMap<>();

    TableReport() {
    }

    public static void main(String[] args) throws IOException {
        boolean markdown = false;
        TableReport report = new TableReport();
        for (String arg : args) {
            if (arg.equals("--markdown")) {
                markdown = true;
            } else {
                report.read(Path.of(arg));
            }
        }
        System.out.print(report.render(markdown));
    }

    private void read(Path file) throws IOException {
        Files.readAllLines(file).forEach(this::add);
    }

    /** Takes in one line if it is a {@code RESULT} line (a later figure of the same key and implementation wins). */
    void add(String line) {
        Matcher m = RESULT.matcher(line.strip());
        if (m.matches()) {
            values.put(m.group(1) + " " + m.group(2), Double.parseDouble(m.group(3)));
            units.put(m.group(1) + " " + m.group(2), m.group(4));
        }
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>(List.of(
                Row.cost("switch (two greenlets, Waiter hand-off)", "core.SwitchBench.waiter"),
                Row.cost("a platform thread joins an empty greenlet", "core.SwitchBench.mainJoin"),
                Row.benchmark("spawn+join, per greenlet (100,000)", "core.SpawnJoinBench.spawnJoin",
                        "core.SpawnJoinBench.spawnJoinOnHubs", "core.SpawnJoinBench.spawnJoin"),
                Row.cost("bytes per blocked greenlet (100,000)", "core.MemoryMeasure.blocked"),
                Row.benchmark("100,000 x sleep(0.1), total", "core.SleepersBench.sleepers",
                        "core.SleepersBench.sleepersOnHubs", "core.SleepersBench.sleepers")));
        for (int conns : new int[] {1, 100}) {
            String peers = "net.EchoBench.echo:conns=" + conns;
            rows.add(Row.benchmark("java.net.Socket round trip in a greenlet, " + conns + (conns == 1 ? " conn" : " conns"),
                    "net.EchoBench.echoJavaNetInGreenlets:conns=" + conns, "net.EchoBench.echoJavaNetOnHubs:conns=" + conns, peers));
            rows.add(Row.benchmark("  after Monkey.patchSocket()", "net.EchoBench.echoJavaNetPatched:conns=" + conns,
                    "net.EchoBench.echoJavaNetPatchedOnHubs:conns=" + conns, peers));
            rows.add(Row.cost("  gevent4j's own StreamSocket", peers));
        }
        for (int conns : new int[] {50, 1_000}) {
            String key = "table.echo:conns=" + conns;
            rows.add(Row.rate("echo 64 B, " + conns + " conns: round trips/s", key + ".rate"));
            rows.add(Row.cost("  p50", key + ".p50"));
            rows.add(Row.cost("  p99", key + ".p99"));
            rows.add(Row.cost("  server CPU per round trip", key + ".cpu"));
        }
        if (values.keySet().stream().anyMatch(k -> k.startsWith("table.pinned:"))) {
            for (int conns : new int[] {50, 1_000}) {
                String key = "table.pinned:conns=" + conns;
                rows.add(Row.rate("echo " + conns + " conns, server on 1 CPU, client on the rest: round trips/s", key + ".rate"));
                rows.add(Row.cost("  p99", key + ".p99"));
                rows.add(Row.cost("  server CPU per round trip", key + ".cpu"));
            }
        }
        for (int conns : new int[] {100, 1_000}) {
            String key = "table.http:conns=" + conns;
            rows.add(Row.rate("HTTP hello, wrk -t2 -c" + conns + ": requests/s", key + ".rate"));
            rows.add(Row.cost("  p99", key + ".p99"));
            rows.add(Row.cost("  server CPU per request", key + ".cpu"));
        }
        values.keySet().stream().map(k -> k.substring(0, k.indexOf(' ')))
                .map(IDLE::matcher).filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).distinct().sorted()
                .forEach(conns -> {
                    String key = "table.idle:conns=" + conns;
                    rows.add(Row.cost(String.format(Locale.ROOT, "%,d idle connections: server RSS per connection", conns),
                            key + ".rss"));
                    rows.add(Row.cost("  live heap per connection after a full GC (JVMs)", key + ".heap"));
                    rows.add(Row.cost("  the same for a second wave, once the JIT compiled the server", key + ".heapWarm"));
                });
        return rows;
    }

    /** The table of the figures taken in so far, as aligned text or as a Markdown table. */
    String render(boolean markdown) {
        List<String> header = new ArrayList<>(List.of("workload"));
        header.addAll(PEERS);
        header.addAll(List.of("gevent4j 1 hub", "all hubs", "1 hub vs best", "all hubs vs best"));
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (Row row : rows()) {
            List<String> cells = new ArrayList<>(List.of(row.label()));
            for (String peer : PEERS) {
                cells.add(show(row.peerKey(), peer));
            }
            cells.add(show(row.key(), ONE_HUB));
            cells.add(show(row.hubsKey(), row.hubsImpl()));
            cells.add(ratio(row, row.key(), ONE_HUB));
            cells.add(ratio(row, row.hubsKey(), row.hubsImpl()));
            lines.add(cells);
        }
        return markdown ? markdown(lines) : text(lines);
    }

    private Optional<Double> value(String key, String impl) {
        return Optional.ofNullable(values.get(key + " " + impl));
    }

    private String show(String key, String impl) {
        return value(key, impl).map(v -> format(v, units.get(key + " " + impl))).orElse("-");
    }

    /** gevent4j's figure ({@code key}'s of {@code impl}) against the best peer's: above 1 means gevent4j is better; "-" without figures. */
    private String ratio(Row row, String key, String impl) {
        Optional<Double> mine = value(key, impl);
        String unit = units.get(key + " " + impl);
        String best = null;
        for (String peer : PEERS) {
            Optional<Double> theirs = value(row.peerKey(), peer);
            if (theirs.isEmpty() || !units.get(row.peerKey() + " " + peer).equals(unit) || theirs.get() <= 0) {
                continue;
            }
            if (best == null || (row.higherIsBetter() ? theirs.get() > value(row.peerKey(), best).get()
                    : theirs.get() < value(row.peerKey(), best).get())) {
                best = peer;
            }
        }
        if (mine.isEmpty() || best == null || mine.get() <= 0) {
            return "-";
        }
        double b = value(row.peerKey(), best).get();
        double r = row.higherIsBetter() ? mine.get() / b : b / mine.get();
        return String.format(Locale.ROOT, "%.2f %s", r, best);
    }

    /** A figure in its unit: times in ns/us/ms/s, memory in bytes, rates per second. */
    static String format(double v, String unit) {
        return switch (unit) {
            case "ns" -> v >= 1e9 ? String.format(Locale.ROOT, "%.2f s", v / 1e9)
                    : v >= 1e6 ? String.format(Locale.ROOT, "%.1f ms", v / 1e6)
                    : v >= 1e3 ? String.format(Locale.ROOT, "%.1f us", v / 1e3)
                    : String.format(Locale.ROOT, "%.0f ns", v);
            case "B" -> String.format(Locale.ROOT, "%,.0f B", v);
            case "/s" -> v >= 1e3 ? String.format(Locale.ROOT, "%.1fk/s", v / 1e3) : String.format(Locale.ROOT, "%.0f/s", v);
            default -> String.format(Locale.ROOT, "%.3g %s", v, unit);
        };
    }

    private static String text(List<List<String>> lines) {
        int[] widths = new int[lines.get(0).size()];
        for (List<String> cells : lines) {
            for (int i = 0; i < cells.size(); i++) {
                widths[i] = Math.max(widths[i], cells.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> cells : lines) {
            for (int i = 0; i < cells.size(); i++) {
                String cell = cells.get(i);
                out.append(i == 0 ? cell + " ".repeat(widths[0] - cell.length()) : "  " + " ".repeat(widths[i] - cell.length()) + cell);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String markdown(List<List<String>> lines) {
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            out.append("| ").append(String.join(" | ", lines.get(n))).append(" |\n");
            if (n == 0) {
                out.append("|---").append("|---:".repeat(lines.get(0).size() - 1)).append("|\n");
            }
        }
        return out.toString();
    }
}
