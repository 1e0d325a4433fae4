package io.gevent4j.bench.table;

import com.sun.management.OperatingSystemMXBean;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The echo load client of the table, run in a JVM of its own so that its CPU is counted
 * apart from the server's. Two modes, each bounded:
 *
 * <ul>
 *   <li>{@code run PORT CONNS WARMUP_MS MEASURE_MS}: opens {@code CONNS} connections to
 *       127.0.0.1:{@code PORT} ({@code TCP_NODELAY}), spread over {@value #THREADS}
 *       threads (as {@code wrk -t2}), each a non-blocking {@link Selector} loop in which
 *       every connection sends {@value #SIZE} bytes, waits for them to come back, checks
 *       them, and sends again. Round trips that end within the measurement window (after
 *       the warm-up, which starts once every connection is open) are counted and their
 *       latencies kept in a {@link Histogram}. Prints
 *       {@code start} when the window opens and, after it, {@code result ROUND_TRIPS
 *       SECONDS P50_NS P99_NS CPU_NS}, the last being this process's own CPU time over
 *       the window.</li>
 *   <li>{@code idle PORT CONNS}: opens {@code CONNS} connections one after the other, does
 *       one round trip on each (so the server has accepted it and waits in its next read),
 *       prints {@code idle CONNS}, then holds them, silent, until its standard input ends.</li>
 * </ul>
 *
 * <p>Exits with status 1 and a message on standard error if a connection fails, the server
 * closes one, or an echo comes back different from what was sent.
 */
public final class EchoLoad {

    /** Bytes per message. */
    static final int SIZE = 64;
    /** Load threads, each with its own selector. */
    static final int THREADS = 2;

    private EchoLoad() {
    }

    public static void main(String[] args) throws Exception {
        try {
            if (args.length == 5 && args[0].equals("run")) {
                run(port(args[1]), count(args[2]), millis(args[3]), millis(args[4]));
            } else if (args.length == 3 && args[0].equals("idle")) {
                idle(port(args[1]), count(args[2]));
            } else {
                throw new IllegalArgumentException("expected a mode and its arguments");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("echo load: " + e.getMessage());
            System.err.println("usage: EchoLoad run PORT CONNS WARMUP_MS MEASURE_MS | idle PORT CONNS");
            System.exit(2);
        } catch (IOException e) {
            System.err.println("echo load: " + e);
            System.exit(1);
        }
    }

    private static int port(String s) {
        int port = Integer.parseInt(s);
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("bad port " + s);
        }
        return port;
    }

    private static long millis(String s) {
        long ms = Long.parseLong(s);
        if (ms <= 0) {
            throw new IllegalArgumentException("bad duration " + s + " ms");
        }
        return ms;
    }

    private static int count(String s) {
        int n = Integer.parseInt(s);
        if (n <= 0) {
            throw new IllegalArgumentException("bad connection count " + s);
        }
        return n;
    }

    private static void run(int port, int conns, long warmupMillis, long measureMillis) throws Exception {
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        List<Driver> drivers = new ArrayList<>(THREADS);
        try {
            for (int t = 0; t < THREADS; t++) {
                drivers.add(new Driver());
            }
            for (int i = 0; i < conns; i++) {
                drivers.get(i % THREADS).connect(server, i);
            }
            long windowStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
            long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMillis);
            List<Thread> threads = new ArrayList<>(THREADS);
            for (Driver d : drivers) {
                d.windowStart = windowStart;
                d.windowEnd = windowEnd;
                threads.add(Thread.ofPlatform().name("echo-load").start(d));
            }
            TimeUnit.NANOSECONDS.sleep(windowStart - System.nanoTime());
            long cpuStart = processCpuNanos();
            System.out.println("start");
            System.out.flush();
            Histogram all = new Histogram();
            for (int t = 0; t < THREADS; t++) {
                threads.get(t).join();
                Driver d = drivers.get(t);
                if (d.failure != null) {
                    throw d.failure;
                }
                all.add(d.latencies);
            }
            System.out.printf("result %d %.3f %.0f %.0f %d%n", all.count(), measureMillis / 1e3,
                    all.percentile(0.50), all.percentile(0.99), processCpuNanos() - cpuStart);
        } finally {
            for (Driver d : drivers) {
                d.close();
            }
        }
    }

    /** One load thread: its selector, its connections, its histogram. */
    private static final class Driver implements Runnable {
        private final Selector selector;
        private final List<Connection> connections = new ArrayList<>();
        /** The measurement window (System.nanoTime), set before the thread starts. */
        long windowStart;
        long windowEnd;
        final Histogram latencies = new Histogram();
        volatile Exception failure;

        Driver() throws IOException {
            this.selector = Selector.open();
        }

        void connect(InetSocketAddress server, int id) throws IOException {
            SocketChannel ch = SocketChannel.open(server);
            Connection c = new Connection(ch, id);
            connections.add(c);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }

        @Override
        public void run() {
            try {
                for (Connection c : connections) {
                    c.send();
                }
                long now;
                while ((now = System.nanoTime()) < windowEnd) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(windowEnd - now)));
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Connection c = (Connection) key.attachment();
                        if (key.isWritable()) {
                            c.flush();
                        }
                        if (key.isReadable() && c.receive()) {
                            long done = System.nanoTime();
                            if (done >= windowStart && done < windowEnd) {
                                latencies.record(done - c.sentAt);
                            }
                            c.send();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        void close() throws IOException {
            for (Connection c : connections) {
                c.channel.close();
            }
            selector.close();
        }
    }

    /** One connection's message, reply and send time. */
    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer message = ByteBuffer.allocateDirect(SIZE);
        final ByteBuffer reply = ByteBuffer.allocateDirect(SIZE);
        SelectionKey key;
        long sentAt;

        Connection(SocketChannel channel, int id) {
            this.channel = channel;
            for (int i = 0; i < SIZE; i++) {
                message.put((byte) (id + i));
            }
        }

        void send() throws IOException {
            message.clear();
            sentAt = System.nanoTime();
            flush();
        }

        void flush() throws IOException {
            channel.write(message);
            key.interestOps(message.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** Reads what came; true once the whole echo is in (and checked), ready for the next. */
        boolean receive() throws IOException {
            if (channel.read(reply) < 0) {
                throw new IOException("the server closed connection " + channel);
            }
            if (reply.hasRemaining()) {
                return false;
            }
            if (!reply.flip().equals(message.rewind())) {
                throw new IOException("the echo on " + channel + " differs from what was sent");
            }
            reply.clear();
            return true;
        }
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void idle(int port, int conns) throws IOException {
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        List<SocketChannel> open = new ArrayList<>(conns);
        try {
            ByteBuffer message = ByteBuffer.allocate(SIZE);
            ByteBuffer reply = ByteBuffer.allocate(SIZE);
            for (int i = 0; i < conns; i++) {
                SocketChannel ch = SocketChannel.open(server);
                open.add(ch);
                message.clear();
                while (message.hasRemaining()) {
                    ch.write(message);
                }
                reply.clear();
                while (reply.hasRemaining()) {
                    if (ch.read(reply) < 0) {
                        throw new IOException("the server closed connection " + (i + 1));
                    }
                }
            }
            System.out.println("idle " + conns);
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
    }
}
