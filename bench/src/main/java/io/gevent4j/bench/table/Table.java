package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server half of the table ({@code bench/table} runs it, then {@link TableReport}): every
 * server of {@link Contenders} in a process of its own, driven by the same load client, each
 * run bounded in time and connections. Workloads and the {@code RESULT} keys they write
 * (see {@link Results}):
 *
 * <ul>
 *   <li>{@code echo}: 64-byte echo with {@link EchoLoad} over 50 and 1,000 connections;
 *       keys {@code table.echo:conns=N.rate|p50|p99|cpu|clientcpu}.</li>
 *   <li>{@code pinned} (only when asked for): the same with every server on one CPU and the
 *       load client on the others ({@link CpuPinning}); keys {@code table.pinned:conns=N.*}.</li>
 *   <li>{@code http}: {@code wrk -t2} at 100 and 1,000 connections against an HTTP hello
 *       world; keys {@code table.http:conns=N.*}, the same figures.</li>
 *   <li>{@code idle}: what an idle connection costs each echo server, in a process that
 *       served nothing before ({@link IdleRun}): resident set growth per connection, key
 *       {@code table.idle:conns=N.rss}, and for the JVM servers the live heap after a full
 *       GC, key {@code table.idle:conns=N.heap}, and the same for a second wave of as many
 *       connections once the first is closed, key {@code table.idle:conns=N.heapWarm}.</li>
 * </ul>
 *
 * <p>Each server process is warmed up once before its first measured run (8 s of load at
 * the smallest connection count; 2 s with {@code --quick}), and each run has a 1 s warm-up
 * of its own after its connections open. Each load figure is the median of the runs (one
 * with {@code --quick}, else three).
 * Arguments: {@code --out DIR} (required: logs and {@code results.txt} go there),
 * {@code --python PATH}, {@code --peers DIR} (where {@code servers.py} is), {@code --quick},
 * {@code --only echo,idle,http,pinned} (default: the first three), {@code --idle-conns N},
 * {@code --server-flags "FLAGS"} (JVM flags, separated by spaces, given to every Java server
 * and not to the load clients: e.g. a garbage collector's settings, to see what they do to the
 * idle row; default: none, the JVM's defaults). A
 * server that fails is reported and skipped (its cells stay empty); the exit status is then 1.
 */
public final class Table {

    private static final int[] ECHO_CONNS = {50, 1_000};
    private static final int[] HTTP_CONNS = {100, 1_000};
    private static final int IDLE_CONNS = 18_000;
    private static final int IDLE_CONNS_QUICK = 2_000;

    /** The parts of the table that run servers, in the order they run. */
    private enum Workload {
        ECHO, IDLE, HTTP, PINNED;

        static Workload named(String name) {
            for (Workload w : values()) {
                if (w.toString().equals(name)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("--only takes a list of echo, idle, http, pinned, not '" + name + "'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Contenders contenders;
    private final Path out;
    private final Results results;
    private final boolean quick;
    private final Set<Workload> only;
    private final int idleConns;
    private boolean failed;

    private Table(Contenders contenders, Path out, boolean quick, Set<Workload> only, int idleConns) {
        this.contenders = contenders;
        this.out = out;
        this.results = new Results(out.resolve("results.txt"));
        this.quick = quick;
        this.only = only;
        this.idleConns = idleConns;
    }

    public static void main(String[] args) throws Exception {
        Table table;
        try {
            table = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("table: " + e.getMessage());
            System.err.println("usage: Table --out DIR [--quick] [--python PATH] [--peers DIR] [--only echo,idle,http,pinned] [--idle-conns N] [--server-flags FLAGS]");
            System.exit(2);
            return;
        }
        for (Workload workload : table.only) {
            table.run(workload);
        }
        System.exit(table.failed ? 1 : 0);
    }

    /** The table the arguments ask for, its folder made. */
    private static Table parse(String[] args) throws IOException {
        Path out = null;
        Path python = Path.of("/usr/bin/python3");
        Path peers = Path.of("bench", "peers");
        boolean quick = false;
        Set<Workload> only = EnumSet.of(Workload.ECHO, Workload.IDLE, Workload.HTTP);
        Integer idleConns = null;
        List<String> serverFlags = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(value(args, ++i));
                case "--python" -> python = Path.of(value(args, ++i));
                case "--peers" -> peers = Path.of(value(args, ++i));
                case "--only" -> only = Arrays.stream(value(args, ++i).split(",")).map(Workload::named)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Workload.class)));
                case "--idle-conns" -> idleConns = Integer.parseInt(value(args, ++i));
                case "--server-flags" -> serverFlags = serverFlags(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        if (idleConns != null && idleConns <= 0) {
            throw new IllegalArgumentException("--idle-conns must be positive");
        }
        Files.createDirectories(out);
        Path logging = out.resolve("no-access-log.properties");
        Files.writeString(logging, "io.gevent4j.http.access.level = OFF\n");
        Contenders contenders = new Contenders(Path.of(System.getProperty("java.home")),
                System.getProperty("java.class.path"), python, peers, logging, serverFlags);
        return new Table(contenders, out, quick, only,
                idleConns != null ? idleConns : quick ? IDLE_CONNS_QUICK : IDLE_CONNS);
    }

    /** {@code --server-flags}' value as its flags; each must be a JVM option (start with '-'). */
    static List<String> serverFlags(String value) {
        List<String> flags = Arrays.stream(value.trim().split("\\s+")).filter(f -> !f.isEmpty()).toList();
        for (String flag : flags) {
            if (!flag.startsWith("-")) {
                throw new IllegalArgumentException("--server-flags takes JVM options, not '" + flag + "'");
            }
        }
        return flags;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /**
     * The warm-up of a server process, once, before its first measured run: long enough for
     * a JVM's JIT to compile the handler loop (on a loaded machine it is OSR-compiled only
     * 5-8 s after start) and for its first young collections to pass outside the windows.
     */
    private Duration serverWarmup() {
        return Duration.ofSeconds(quick ? 2 : 8);
    }

    /** The warm-up of each run, after its connections are open and before its window. */
    private Duration runWarmup() {
        return Duration.ofSeconds(1);
    }

    private Duration window() {
        return Duration.ofSeconds(quick ? 2 : 3);
    }

    private int runs() {
        return quick ? 1 : 3;
    }

    private void run(Workload workload) throws InterruptedException {
        List<Contenders.Contender> servers = workload == Workload.HTTP ? contenders.http() : contenders.echo();
        CpuPinning pinning = workload == Workload.PINNED ? CpuPinning.lastCpuForServer() : null;
        for (Contenders.Contender server : servers) {
            Path log = out.resolve(workload + "-" + server.impl() + ".log");
            System.out.printf("table: %s on %s (log: %s)%n", workload, server.impl(), log);
            List<String> command = pinning != null ? pinning.server(server.command()) : server.command();
            try (ServerProcess process = ServerProcess.start(command, log)) {
                switch (workload) {
                    case ECHO -> echo(process, server.impl(), "table.echo", contenders.java(), log);
                    case PINNED -> echo(process, server.impl(), "table.pinned", pinning.client(contenders.java()), log);
                    case IDLE -> idle(process, server, log);
                    case HTTP -> http(process, server.impl(), log);
                }
            } catch (IOException | RuntimeException e) {
                System.out.printf("table: %s on %s failed: %s%n", workload, server.impl(), e.getMessage());
                failed = true;
            }
        }
    }

    /** The echo rows under keys {@code prefix:conns=N}, the load client started by {@code client}. */
    private void echo(ServerProcess server, String impl, String prefix, List<String> client, Path log)
            throws IOException, InterruptedException {
        EchoRun.run(server, ECHO_CONNS[0], runWarmup(), serverWarmup(), client, log);
        for (int conns : ECHO_CONNS) {
            List<Figures> runs = new ArrayList<>();
            for (int i = 0; i < runs(); i++) {
                runs.add(EchoRun.run(server, conns, runWarmup(), window(), client, log));
            }
            results.add(prefix + ":conns=" + conns, impl, Figures.median(runs));
        }
    }

    private void http(ServerProcess server, String impl, Path log) throws IOException, InterruptedException {
        HttpRun.probe(server);
        HttpRun.run(server, HTTP_CONNS[0], serverWarmup(), log);
        for (int conns : HTTP_CONNS) {
            HttpRun.run(server, conns, runWarmup(), log);
            List<Figures> runs = new ArrayList<>();
            for (int i = 0; i < runs(); i++) {
                runs.add(HttpRun.run(server, conns, window(), log));
            }
            results.add("table.http:conns=" + conns, impl, Figures.median(runs));
        }
    }

    private void idle(ServerProcess server, Contenders.Contender contender, Path log) throws IOException, InterruptedException {
        IdleRun.Cost cost = IdleRun.measure(server, idleConns, contenders.java(), contender.jvm() ? contenders.jcmd() : null, log);
        String key = "table.idle:conns=" + idleConns;
        results.add(key + ".rss", contender.impl(), cost.rssBytes(), "B");
        if (cost.heapBytes().isPresent()) {
            results.add(key + ".heap", contender.impl(), cost.heapBytes().getAsDouble(), "B");
        }
        if (cost.warmHeapBytes().isPresent()) {
            results.add(key + ".heapWarm", contender.impl(), cost.warmHeapBytes().getAsDouble(), "B");
        }
    }
}
