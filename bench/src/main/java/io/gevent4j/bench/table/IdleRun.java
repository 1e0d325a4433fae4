package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What an idle connection costs a server, measured the same way for every server: in a
 * process that has served nothing yet (no warm-up, so no server reuses memory that an
 * earlier load touched), the resident set (VmRSS) is read, then a load client
 * ({@link EchoLoad} {@code idle}) opens {@code conns} connections one after the other and
 * does one round trip on each, so that every handler is back waiting in its read; after a
 * settling pause the resident set is read again, and the growth divided by {@code conns}.
 *
 * <p>For a JVM server (given {@code jcmd}) the live heap is measured too: a class histogram
 * after a full GC ({@link HeapHistogram}) before the baseline and after the second resident
 * set reading, their difference per connection; the classes that grew most are written to
 * the log. The first full GC comes before the first RSS reading, so a heap it shrinks does
 * not hide growth. Then, for a JVM, the client closes them all and opens as many again: the
 * live heap of that second wave is what an idle connection holds in a server whose code the
 * JIT has compiled by then (a parked virtual thread's stack is sized at its first park, and
 * interpreted frames are several times larger than compiled ones, so the first wave's figure
 * depends on when the JIT compiled the frames below a handler). Bounded: five minutes to open
 * the connections, one to close them, two per histogram.
 */
final class IdleRun {

    private static final Duration OPEN_LIMIT = Duration.ofMinutes(5);
    private static final Duration CLOSE_LIMIT = Duration.ofMinutes(1);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** Time for a server to see every connection of the first wave closed and let it go. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final int CLASSES_LOGGED = 25;

    /**
     * Per idle connection, in bytes: the resident set's growth and, for a JVM, the live heap's
     * in the first wave of connections and in the second.
     */
    record Cost(double rssBytes, OptionalDouble heapBytes, OptionalDouble warmHeapBytes) {
    }

    private IdleRun() {
    }

    /**
     * Measures the server's cost per idle connection.
     *
     * @param jcmd the JDK's {@code jcmd} if the server is a JVM (its live heap is measured
     *             then), or {@code null}
     * @throws IOException if the client or jcmd fails, or the connections are not open in time
     */
    static Cost measure(ServerProcess server, int conns, List<String> java, Path jcmd, Path log)
            throws IOException, InterruptedException {
        HeapHistogram heapBefore = jcmd == null ? null : HeapHistogram.take(jcmd, server.pid());
        Thread.sleep(SETTLE);
        long before = server.rssBytes();
        double rss;
        OptionalDouble heap = OptionalDouble.empty();
        try (Child client = openIdle(server, conns, java, log)) {
            rss = (double) (server.rssBytes() - before) / conns;
            if (heapBefore != null) {
                heap = OptionalDouble.of(heapGrowth(heapBefore, jcmd, server, conns, log));
            }
            closeAll(client);
        }
        if (jcmd == null) {
            return new Cost(rss, heap, OptionalDouble.empty());
        }
        Thread.sleep(DRAIN);
        HeapHistogram warmBefore = HeapHistogram.take(jcmd, server.pid());
        try (Child client = openIdle(server, conns, java, log)) {
            double warm = heapGrowth(warmBefore, jcmd, server, conns, log);
            closeAll(client);
            return new Cost(rss, heap, OptionalDouble.of(warm));
        }
    }

    /** Starts a client that opens {@code conns} idle connections, and waits until they are open and settled. */
    private static Child openIdle(ServerProcess server, int conns, List<String> java, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(EchoLoad.class.getName(), "idle", Integer.toString(server.port()), Integer.toString(conns)));
        Child client = Child.start(command, log);
        try {
            client.awaitLine("idle ", OPEN_LIMIT);
            Thread.sleep(SETTLE);
            return client;
        } catch (IOException | InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The live heap's growth per connection since {@code before}; the classes that grew most go to the log. */
    private static double heapGrowth(HeapHistogram before, Path jcmd, ServerProcess server, int conns, Path log)
            throws IOException, InterruptedException {
        HeapHistogram after = HeapHistogram.take(jcmd, server.pid());
        Files.writeString(log, after.describeGrowth(before, conns, CLASSES_LOGGED), StandardOpenOption.APPEND);
        return (double) (after.totalBytes() - before.totalBytes()) / conns;
    }

    private static void closeAll(Child client) throws IOException, InterruptedException {
        client.closeInput();
        client.awaitExit(CLOSE_LIMIT);
    }
}
