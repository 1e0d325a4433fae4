package io.gevent4j.bench.net;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What an idle connection costs a gevent4j server on one hub: the server accepts
 * {@code count} connections (default 5,000) and serves each with a greenlet in gevent's
 * {@code data = sock.recv(4096)} loop; once every greenlet waits in {@code recv}, the live
 * heap after a full GC and the process's resident set (VmRSS) are compared with those
 * before the first connection, per connection.
 *
 * <p>The clients run in a child JVM (plain blocking {@link SocketChannel}s that connect and
 * stay silent), so the figures hold the server's side only and each process keeps within
 * its open-file limit. The child is told to close its connections through its stdin and
 * is waited for at most 60 s; the server's greenlets then end at end of stream.
 *
 * <p>Prints {@code RESULT net.IdleMeasure.heap gevent4j <bytes> B} and
 * {@code RESULT net.IdleMeasure.rss gevent4j <bytes> B}.
 */
public final class IdleMeasure {

    private static final int RECV_SIZE = 4096;
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(120);

    private IdleMeasure() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("client")) {
            client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        Hub hub = Hub.current();
        try (ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1024)) {
            int[] waiting = new int[1];
            List<Greenlet<?>> handlers = new ArrayList<>(count);
            Greenlet<?> acceptor = Gevent.spawn(() -> accept(listener, count, waiting, handlers));
            Gevent.sleep(0);
            long heapBefore = liveHeap();
            long rssBefore = rss();
            Process clients = startClients(listener, count);
            long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
            while (waiting[0] < count || !acceptor.ready()) {
                if (System.nanoTime() > deadline || !clients.isAlive()) {
                    clients.destroyForcibly();
                    throw new IllegalStateException(waiting[0] + " of " + count + " connections idle in time");
                }
                Gevent.sleep(0.05);
            }
            Gevent.sleep(0.5);
            long heap = liveHeap() - heapBefore;
            long rss = rss() - rssBefore;
            System.out.printf("RESULT net.IdleMeasure.heap gevent4j %.1f B%n", (double) heap / count);
            System.out.printf("RESULT net.IdleMeasure.rss gevent4j %.1f B%n", (double) rss / count);
            clients.getOutputStream().close();
            if (!clients.waitFor(60, TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
            Gevent.joinAll(handlers, Duration.ofSeconds(60));
        } finally {
            hub.close();
        }
    }

    /** Accepts {@code count} connections, each served by a greenlet of its own; returns how many. */
    private static int accept(ListeningSocket listener, int count, int[] waiting, List<Greenlet<?>> handlers)
            throws IOException {
        for (int i = 0; i < count; i++) {
            StreamSocket s = listener.accept();
            handlers.add(Gevent.spawn(() -> serve(s, waiting)));
        }
        return count;
    }

    /** gevent's echo-server loop; counts itself idle before its first recv. */
    private static void serve(StreamSocket s, int[] waiting) {
        waiting[0]++;
        try (s) {
            byte[] data;
            while ((data = s.recv(RECV_SIZE)).length > 0) {
                s.sendAll(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Process startClients(ListeningSocket listener, int count) throws IOException {
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                IdleMeasure.class.getName(), "client", Integer.toString(port), Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** The child: opens {@code count} connections and holds them until its stdin ends. */
    private static void client(int port, int count) throws IOException {
        List<SocketChannel> open = new ArrayList<>(count);
        try {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < count; i++) {
                open.add(SocketChannel.open(server));
            }
            System.in.transferTo(OutputStream.nullOutputStream());
        } finally {
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long liveHeap() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
