package io.gevent4j.bench.net;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.monkey.Monkey;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * 64-byte echo over {@code conns} loopback connections: the client side sends 64 bytes and
 * reads them back, {@link #ROUND_TRIPS} times per invocation, spread evenly over the
 * connections, each connection driven by its own green thread. The score is per round trip:
 * with one connection it is the latency of a round trip, with many the inverse of the
 * throughput. {@code TCP_NODELAY} everywhere; client and server run in the same process.
 *
 * <ul>
 *   <li>{@code echo}: gevent4j {@link StreamSocket}s registered in the hub's selector,
 *       client and server greenlets on one hub (one OS thread).</li>
 *   <li>{@code echoStreamServer}: the same clients against a {@link StreamServer} whose
 *       handler runs the same echo loop: what the server adds over the raw accept loop.</li>
 *   <li>{@code echoJavaNetInGreenlets}: the same greenlets on one hub, but through
 *       {@link java.net.Socket} streams, which park the greenlet in the JDK's poller (the
 *       cooperation every unmodified library gets).</li>
 *   <li>{@code echoJavaNetPollerMode1}: the same with {@code -Djdk.pollerMode=1}, where the
 *       JDK's platform read-pollers hand readiness to the hub directly (one hand-off less).</li>
 *   <li>{@code echoJavaNetPatched}: the same after {@link Monkey#patchSocket()}: the
 *       {@code java.net.Socket}s wait on the hub's selector, as gevent4j's own sockets.</li>
 *   <li>{@code echoJavaNetOnHubs}, {@code echoJavaNetPatchedOnHubs}: the last two with the
 *       client and server greenlets spread over a {@link HubGroup} of one hub per core (the
 *       table's "all hubs" column), where the JDK's virtual threads use every core too.</li>
 *   <li>{@code echo_jdk}: {@link java.net.Socket} streams in JDK virtual threads of the
 *       default scheduler (as many carriers as cores), client and server.</li>
 * </ul>
 *
 * <p>The gevent4j client greenlets are spawned and joined by a driver greenlet that the
 * main greenlet (the JMH thread) joins, so the carrier hand-off that wakes the main
 * greenlet is paid once per invocation, not once per connection; likewise the JDK's
 * client threads are started and joined by a driver virtual thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class EchoBench {

    /** Round trips per invocation. */
    public static final int ROUND_TRIPS = 10_000;
    /** Bytes per message. */
    public static final int SIZE = 64;
    /** How long a tear-down waits for an echo greenlet of another hub to see its client's end. */
    private static final Duration HANDLER_END = Duration.ofSeconds(10);

    /** The number of connections. */
    @State(Scope.Thread)
    public static class Conns {
        @Param({"1", "100"})
        public int conns;
    }

    /** gevent4j sockets: a server and {@code conns} clients on the benchmark thread's hub. */
    @State(Scope.Thread)
    public static class Gevent4j {
        Hub hub;
        ListeningSocket server;
        Greenlet<Void> acceptor;
        StreamSocket[] clients;
        int perClient;
        final List<Greenlet<?>> running = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp(Conns c) throws IOException {
            hub = Hub.current();
            server = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor = Gevent.spawn(() -> {
                while (true) {
                    StreamSocket s = server.accept();
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Gevent.spawn(() -> echo(s));
                }
            });
            clients = greenClients(server.getLocalAddress(), c.conns);
            perClient = ROUND_TRIPS / c.conns;
        }

        private static Void echo(StreamSocket s) throws IOException {
            try (s) {
                ByteBuffer buf = ByteBuffer.allocateDirect(4096);
                while (s.read(buf) > 0) {
                    buf.flip();
                    s.sendAll(buf);
                    buf.clear();
                }
            }
            return null;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (StreamSocket s : clients) {
                s.close();
            }
            acceptor.kill();
            server.close();
            Gevent.sleep(0.05);
            hub.close();
        }
    }

    /** gevent4j sockets: a {@link StreamServer} and {@code conns} clients on the benchmark thread's hub. */
    @State(Scope.Thread)
    public static class ServerOnHub {
        Hub hub;
        StreamServer server;
        StreamSocket[] clients;
        int perClient;
        final List<Greenlet<?>> running = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp(Conns c) throws IOException {
            hub = Hub.current();
            server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), (s, address) -> {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Gevent4j.echo(s);
            }).start();
            clients = greenClients(server.address(), c.conns);
            perClient = ROUND_TRIPS / c.conns;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (StreamSocket s : clients) {
                s.close();
            }
            server.stop();
            hub.close();
        }
    }

    /** {@code conns} gevent4j clients of a server on 127.0.0.1, with TCP_NODELAY. */
    private static StreamSocket[] greenClients(SocketAddress server, int conns) throws IOException {
        StreamSocket[] clients = new StreamSocket[conns];
        for (int i = 0; i < conns; i++) {
            clients[i] = StreamSocket.open(server);
            clients[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        return clients;
    }

    /** {@code java.net.Socket}s in greenlets of the benchmark thread's hub. */
    @State(Scope.Thread)
    public static class JavaNetInGreenlets {
        Hub hub;
        ServerSocket server;
        Greenlet<Void> acceptor;
        Socket[] clients;
        int perClient;
        final List<Socket> accepted = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp(Conns c) throws IOException {
            beforeSockets();
            hub = Hub.current();
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            acceptor = Gevent.spawn(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        s.setTcpNoDelay(true);
                        accepted.add(s);
                        Gevent.spawn(() -> echoStream(s));
                    }
                } catch (IOException e) {
                    // the server was closed at tear-down
                }
            });
            clients = connect(server.getLocalPort(), c.conns);
            perClient = ROUND_TRIPS / c.conns;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (Socket s : clients) {
                s.close();
            }
            Gevent.sleep(0.05);
            server.close();
            acceptor.kill();
            for (Socket s : accepted) {
                s.close();
            }
            Gevent.sleep(0.05);
            hub.close();
        }

        /** What runs before the first socket is made; nothing for the JDK's own sockets. */
        void beforeSockets() {
        }
    }

    /** {@code java.net.Socket}s in greenlets after {@link Monkey#patchSocket()} (this benchmark's JVM only). */
    @State(Scope.Thread)
    public static class JavaNetPatched extends JavaNetInGreenlets {
        @Override
        void beforeSockets() {
            Monkey.patchSocket();
        }
    }

    /**
     * {@code java.net.Socket}s in greenlets spread over a {@link HubGroup} of one hub per
     * core: client {@code i} runs on hub {@code i mod n}, and each accepted connection's echo
     * greenlet on the next hub, round robin, as {@code StreamServer.hubGroup} spreads them.
     * The clients connect one after the other, so client {@code i} and its echo greenlet
     * share a hub: each hub serves its share of the connections alone, as a server would
     * whose clients are elsewhere. The driver greenlet runs on the first hub and joins the
     * clients across hubs.
     */
    @State(Scope.Thread)
    public static class JavaNetOnHubs {
        Hub hub;
        HubGroup hubs;
        ServerSocket server;
        Socket[] clients;
        int perClient;
        final List<Greenlet<Void>> handlers = Collections.synchronizedList(new ArrayList<>());

        @Setup(Level.Trial)
        public void setUp(Conns c) throws IOException {
            beforeSockets();
            hub = Hub.current();
            hubs = HubGroup.start(Runtime.getRuntime().availableProcessors());
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            Gevent.spawnOn(hubs.hubs().get(0), () -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        s.setTcpNoDelay(true);
                        handlers.add(Gevent.spawnOn(hubs.next(), () -> echoStream(s)));
                    }
                } catch (IOException e) {
                    // the server was closed at tear-down
                }
                return null;
            });
            clients = connect(server.getLocalPort(), c.conns);
            perClient = ROUND_TRIPS / c.conns;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (Socket s : clients) {
                s.close();
            }
            server.close();
            for (Greenlet<Void> g : new ArrayList<>(handlers)) {
                g.join(HANDLER_END);
            }
            hubs.close();
            hub.close();
        }

        /** What runs before the first socket is made; nothing for the JDK's own sockets. */
        void beforeSockets() {
        }
    }

    /** {@code java.net.Socket}s in greenlets of one hub per core after {@link Monkey#patchSocket()} (this benchmark's JVM only). */
    @State(Scope.Thread)
    public static class JavaNetPatchedOnHubs extends JavaNetOnHubs {
        @Override
        void beforeSockets() {
            Monkey.patchSocket();
        }
    }

    /** {@code java.net.Socket}s in JDK virtual threads of the default scheduler. */
    @State(Scope.Thread)
    public static class Jdk {
        ServerSocket server;
        Thread acceptor;
        Socket[] clients;
        int perClient;
        final List<Socket> accepted = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp(Conns c) throws IOException {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        s.setTcpNoDelay(true);
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                        Thread.ofVirtual().start(() -> {
                            try {
                                echoStream(s);
                            } catch (IOException e) {
                                // the connection was closed at tear-down
                            }
                        });
                    }
                } catch (IOException e) {
                    // the server was closed at tear-down
                }
            });
            clients = connect(server.getLocalPort(), c.conns);
            perClient = ROUND_TRIPS / c.conns;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            for (Socket s : clients) {
                s.close();
            }
            server.close();
            acceptor.join();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static Void echoStream(Socket s) throws IOException {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
        return null;
    }

    private static void roundTrips(InputStream in, OutputStream out, int count) throws IOException {
        byte[] msg = new byte[SIZE];
        byte[] reply = new byte[SIZE];
        for (int i = 0; i < count; i++) {
            out.write(msg);
            if (in.readNBytes(reply, 0, SIZE) != SIZE) {
                throw new IOException("the echo server closed the connection");
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echo(Gevent4j st) {
        Gevent.spawn(() -> echoClients(st.clients, st.perClient, st.running)).get();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echoStreamServer(ServerOnHub st) {
        Gevent.spawn(() -> echoClients(st.clients, st.perClient, st.running)).get();
    }

    private static Void echoClients(StreamSocket[] clients, int perClient, List<Greenlet<?>> running) {
        running.clear();
        for (StreamSocket s : clients) {
            running.add(Gevent.spawn(() -> {
                ByteBuffer msg = ByteBuffer.allocateDirect(SIZE);
                ByteBuffer reply = ByteBuffer.allocateDirect(SIZE);
                for (int i = 0; i < perClient; i++) {
                    s.sendAll(msg.clear());
                    reply.clear();
                    while (reply.hasRemaining()) {
                        if (s.read(reply) < 0) {
                            throw new IOException("the echo server closed the connection");
                        }
                    }
                }
                return null;
            }));
        }
        for (Greenlet<?> g : running) {
            g.get();
        }
        return null;
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echoJavaNetInGreenlets(JavaNetInGreenlets st) {
        Gevent.spawn(() -> javaNetClients(st)).get();
    }

    private static Void javaNetClients(JavaNetInGreenlets st) {
        return javaNetClients(st.clients, st.perClient, i -> st.hub);
    }

    /** Runs {@code perClient} round trips on each client, client {@code i} in a greenlet of {@code hubOf(i)}, and joins them. */
    private static Void javaNetClients(Socket[] clients, int perClient, IntFunction<Hub> hubOf) {
        List<Greenlet<Void>> running = new ArrayList<>(clients.length);
        for (int i = 0; i < clients.length; i++) {
            Socket s = clients[i];
            running.add(Gevent.spawnOn(hubOf.apply(i), () -> {
                roundTrips(s.getInputStream(), s.getOutputStream(), perClient);
                return null;
            }));
        }
        for (Greenlet<Void> g : running) {
            g.get();
        }
        return null;
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    @Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"}, jvmArgsAppend = "-Djdk.pollerMode=1")
    public void echoJavaNetPollerMode1(JavaNetInGreenlets st) {
        Gevent.spawn(() -> javaNetClients(st)).get();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echoJavaNetPatched(JavaNetPatched st) {
        Gevent.spawn(() -> javaNetClients(st)).get();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echoJavaNetOnHubs(JavaNetOnHubs st) {
        Gevent.spawnOn(st.hubs.hubs().get(0), () -> javaNetClientsOnHubs(st)).get();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echoJavaNetPatchedOnHubs(JavaNetPatchedOnHubs st) {
        Gevent.spawnOn(st.hubs.hubs().get(0), () -> javaNetClientsOnHubs(st)).get();
    }

    private static Void javaNetClientsOnHubs(JavaNetOnHubs st) {
        List<Hub> hubs = st.hubs.hubs();
        return javaNetClients(st.clients, st.perClient, i -> hubs.get(i % hubs.size()));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void echo_jdk(Jdk st) throws InterruptedException {
        Thread driver = Thread.ofVirtual().start(() -> {
            Thread[] running = new Thread[st.clients.length];
            for (int i = 0; i < running.length; i++) {
                Socket s = st.clients[i];
                running[i] = Thread.ofVirtual().start(() -> {
                    try {
                        roundTrips(s.getInputStream(), s.getOutputStream(), st.perClient);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            try {
                for (Thread t : running) {
                    t.join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        driver.join();
    }

    /** {@code conns} blocking {@code java.net.Socket} clients of a server on 127.0.0.1, with TCP_NODELAY. */
    private static Socket[] connect(int port, int conns) throws IOException {
        Socket[] clients = new Socket[conns];
        for (int i = 0; i < conns; i++) {
            clients[i] = new Socket(InetAddress.getLoopbackAddress(), port);
            clients[i].setTcpNoDelay(true);
        }
        return clients;
    }
}
