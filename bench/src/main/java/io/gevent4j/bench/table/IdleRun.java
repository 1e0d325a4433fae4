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
 * not hide growth. Bounded: five minutes to open the connections, one to close them, two
 * per histogram.
 */
final class IdleRun {

    private static final Duration OPEN_LIMIT = Duration.ofMinutes(5);
    private static final Duration CLOSE_LIMIT = Duration.ofMinutes(1);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final int CLASSES_LOGGED = 25;

    /** Per idle connection: the resident set's growth and, for a JVM, the live heap's, in bytes. */
    record Cost(double rssBytes, OptionalDouble heapBytes) {
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
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(EchoLoad.class.getName(), "idle", Integer.toString(server.port()), Integer.toString(conns)));
        try (Child client = Child.start(command, log)) {
            client.awaitLine("idle ", OPEN_LIMIT);
            Thread.sleep(SETTLE);
            double rss = (double) (server.rssBytes() - before) / conns;
            OptionalDouble heap = OptionalDouble.empty();
            if (heapBefore != null) {
                HeapHistogram heapAfter = HeapHistogram.take(jcmd, server.pid());
                heap = OptionalDouble.of((double) (heapAfter.totalBytes() - heapBefore.totalBytes()) / conns);
                Files.writeString(log, heapAfter.describeGrowth(heapBefore, conns, CLASSES_LOGGED),
                        StandardOpenOption.APPEND);
            }
            client.closeInput();
            client.awaitExit(CLOSE_LIMIT);
            return new Cost(rss, heap);
        }
    }
}
