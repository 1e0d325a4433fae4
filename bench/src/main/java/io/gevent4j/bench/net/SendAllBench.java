package io.gevent4j.bench.net;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Waiter;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bulk transfer over one loopback connection: one operation sends {@link #SIZE} (50 MB)
 * and returns once the receiving side has read all of it. MB/s = 50 / (score in s).
 *
 * <ul>
 *   <li>{@code sendAll}: {@link StreamSocket#sendAll} of a 50 MB direct buffer from a
 *       greenlet spawned per operation to a greenlet reading into a 256 KB direct buffer,
 *       both on one hub; the main greenlet (the JMH thread) only joins the sender, so it is
 *       woken (a carrier hand-off) once per operation, not each time the socket drains.</li>
 *   <li>{@code sendAll_jdk}: {@link java.net.Socket} {@code OutputStream.write} of a 50 MB
 *       array from the benchmark thread to a JDK virtual thread reading into a 256 KB array.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class SendAllBench {

    /** Bytes per operation. */
    public static final int SIZE = 50 << 20;
    private static final int CHUNK = 256 << 10;

    /** gevent4j: a connected pair on the benchmark thread's hub and a reading greenlet. */
    @State(Scope.Thread)
    public static class Gevent4j {
        Hub hub;
        StreamSocket sender;
        Greenlet<Void> reader;
        Waiter<Void> received;
        final ByteBuffer data = ByteBuffer.allocateDirect(SIZE);

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            hub = Hub.current();
            received = new Waiter<>(hub);
            try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                sender = StreamSocket.open(server.getLocalAddress());
                StreamSocket receiver = server.accept();
                reader = Gevent.spawn(() -> {
                    try (receiver) {
                        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                        long total = 0;
                        int n;
                        while ((n = receiver.read(buf.clear())) > 0) {
                            total += n;
                            if (total % SIZE == 0) {
                                received.switchTo(null);
                            }
                        }
                    }
                    return null;
                });
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            sender.close();
            reader.join();
            hub.close();
        }
    }

    /** JDK: a connected pair, a reading virtual thread of the default scheduler. */
    @State(Scope.Thread)
    public static class Jdk {
        Socket sender;
        Thread reader;
        final SynchronousQueue<Boolean> received = new SynchronousQueue<>();
        final byte[] data = new byte[SIZE];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
                sender = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket receiver = server.accept();
                reader = Thread.ofVirtual().start(() -> {
                    try (receiver) {
                        InputStream in = receiver.getInputStream();
                        byte[] buf = new byte[CHUNK];
                        long total = 0;
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            total += n;
                            if (total % SIZE == 0) {
                                received.put(true);
                            }
                        }
                    } catch (IOException | InterruptedException e) {
                        // closed at tear-down
                    }
                });
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            sender.close();
            reader.join();
        }
    }

    @Benchmark
    public void sendAll(Gevent4j st) {
        Gevent.spawn(() -> {
            st.received.clear();
            st.sender.sendAll(st.data.clear());
            st.received.get();
            return null;
        }).get();
    }

    @Benchmark
    public void sendAll_jdk(Jdk st) throws Exception {
        st.sender.getOutputStream().write(st.data);
        st.received.take();
    }
}
