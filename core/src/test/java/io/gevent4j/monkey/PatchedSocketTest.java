package io.gevent4j.monkey;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code java.net.Socket} and {@code ServerSocket} after {@link Monkey#patchSocket()}: in
 * greenlets they wait on the hub's selector (a {@code Timeout} closes the socket, as the
 * JDK's interrupt does), on other threads they block as the JDK's do. Runs in a JVM of its
 * own (core/pom.xml), since the patch is JVM-wide.
 */
class PatchedSocketTest {

    private static final int LIMIT_MS = (int) FreshHub.LIMIT.toMillis();

    @BeforeAll
    static void patch() {
        Monkey.patchSocket();
        Monkey.patchSocket();
        assertTrue(Monkey.isSocketPatched());
    }

    static ServerSocket listen() throws Exception {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return listener;
    }

    @Test
    void clientsAndServerOnOneHubEchoWhileOtherGreenletsRun() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen()) {
                AtomicInteger ticks = new AtomicInteger();
                Greenlet<Void> ticker = Gevent.spawn(() -> {
                    while (true) {
                        ticks.incrementAndGet();
                        Gevent.sleep(0.001);
                    }
                });
                Greenlet<Void> server = Gevent.spawn(() -> {
                    for (int c = 0; c < 10; c++) {
                        Socket s = listener.accept();
                        Gevent.spawn(() -> echo(s));
                    }
                    return null;
                });
                java.util.List<Greenlet<Integer>> clients = new java.util.ArrayList<>();
                for (int c = 0; c < 10; c++) {
                    clients.add(Gevent.spawn(() -> roundTrips(listener.getLocalPort(), 200)));
                }
                for (Greenlet<Integer> g : clients) {
                    assertEquals(200, g.get());
                }
                server.get();
                ticker.kill();
                assertTrue(ticks.get() > 0, "the ticker ran while the sockets waited");
            }
        });
    }

    @Test
    void aTimeoutInAGreenletsReadClosesTheSocketAsTheJdksInterruptDoes() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                InputStream in = client.getInputStream();
                Timeout timeout = Timeout.start(Duration.ofMillis(20));
                SocketException e = assertThrows(SocketException.class, in::read);
                assertEquals("Closed by interrupt", e.getMessage());
                assertEquals("Socket closed", assertThrows(SocketException.class, in::read).getMessage());
                assertSame(timeout, assertThrows(Timeout.class, () -> Gevent.sleep(0)),
                        "the Timeout itself is raised at the next gevent4j call");
                assertEquals(-1, peer.getInputStream().read(), "the peer sees the connection end");
            }
        });
    }

    @Test
    void aTimeoutClosedBeforeTheNextCallIsWithdrawn() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                    assertThrows(SocketException.class, () -> client.getInputStream().read());
                }
                assertDoesNotThrow(() -> Gevent.sleep(0.03), "nothing is left pending");
                assertEquals(-1, peer.getInputStream().read(), "the interrupted socket was closed");
            }
        });
    }

    @Test
    void soTimeoutLimitsAReadOnAPlatformThreadWithoutAHubAndTheSocketStaysUsable() throws Exception {
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            client.setSoTimeout(30);
            assertEquals(30, client.getSoTimeout());
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertEquals("Read timed out", e.getMessage());
            client.setSoTimeout(LIMIT_MS);
            peer.getOutputStream().write(new byte[] {1, 2, 3});
            byte[] got = new byte[3];
            new DataInputStream(client.getInputStream()).readFully(got);
            assertArrayEquals(new byte[] {1, 2, 3}, got);
        }
    }

    @Test
    void soTimeoutLimitsAnAcceptInAGreenlet() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen()) {
                listener.setSoTimeout(20);
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, listener::accept);
                assertEquals("Accept timed out", e.getMessage());
            }
        });
    }

    @Test
    void aCloseFromAnotherThreadWakesAGreenletBlockedInRead() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                java.util.List<Throwable> reported = new java.util.ArrayList<>();
                io.gevent4j.hub.Hub.current().setErrorHandler((context, error) -> reported.add(error));
                Greenlet<Object> reader = Gevent.spawn(() -> client.getInputStream().read());
                Gevent.sleep(0.01);
                CompletableFuture.runAsync(() -> {
                    try {
                        client.close();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(LIMIT_MS, TimeUnit.MILLISECONDS);
                assertTrue(reader.join(FreshHub.LIMIT));
                SocketException e = assertInstanceOf(SocketException.class, reader.exception());
                assertEquals("Socket closed", e.getMessage());
                assertEquals(java.util.List.of(e), reported);
                assertEquals(-1, peer.getInputStream().read(), "the peer sees the connection end");
            }
        });
    }

    @Test
    void aCloseFromAnotherThreadWakesAPlatformThreadBlockedInRead() throws Exception {
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            var reader = new java.util.concurrent.FutureTask<>(() -> client.getInputStream().read());
            Thread thread = Thread.ofPlatform().start(reader);
            awaitBlockedOnOwnSelector(thread);
            client.close();
            var e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> reader.get(LIMIT_MS, TimeUnit.MILLISECONDS));
            assertEquals("Socket closed", e.getCause().getMessage());
            assertEquals(-1, peer.getInputStream().read());
        }
    }

    /** Waits (bounded) until {@code thread} is inside the wait a thread without a hub makes on its own selector. */
    private static void awaitBlockedOnOwnSelector(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        while (java.util.Arrays.stream(thread.getStackTrace())
                .noneMatch(f -> f.getMethodName().equals("awaitOnOwnSelector"))) {
            assertTrue(System.nanoTime() < deadline, "the reader never blocked in read");
            Thread.sleep(5);
        }
    }

    @Test
    void aSocketMovesBetweenHubs() throws Exception {
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            for (int round = 0; round < 3; round++) {
                int expected = round;
                FreshHub.run(() -> {
                    Greenlet<Integer> reader = Gevent.spawn(() -> client.getInputStream().read());
                    Gevent.sleep(0.005);
                    peer.getOutputStream().write(expected);
                    assertEquals(expected, reader.get());
                });
            }
        }
    }

    @Test
    void availableCountsWhatArrivedWithoutLosingIt() throws Exception {
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            InputStream in = client.getInputStream();
            assertEquals(0, in.available());
            peer.getOutputStream().write("hello".getBytes());
            long deadline = System.nanoTime() + FreshHub.LIMIT.toNanos();
            while (in.available() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(5, in.available());
            peer.getOutputStream().write(" world".getBytes());
            byte[] got = new byte[11];
            new DataInputStream(in).readFully(got);
            assertEquals("hello world", new String(got));
        }
    }

    @Test
    void optionsAddressesAndHalfClose() throws Exception {
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            client.setTcpNoDelay(true);
            assertTrue(client.getTcpNoDelay());
            client.setSoLinger(true, 3);
            assertEquals(3, client.getSoLinger());
            client.setSoLinger(false, 0);
            assertEquals(-1, client.getSoLinger());
            client.setKeepAlive(true);
            assertTrue(client.getKeepAlive());
            assertEquals(listener.getLocalPort(), client.getPort());
            assertEquals(InetAddress.getLoopbackAddress(), client.getInetAddress());
            assertEquals(client.getLocalPort(), peer.getPort());
            assertEquals(InetAddress.getLoopbackAddress(), client.getLocalAddress());
            client.shutdownOutput();
            assertEquals(-1, peer.getInputStream().read(), "the peer reads the half-close");
            peer.getOutputStream().write(7);
            assertEquals(7, client.getInputStream().read(), "the client still reads");
        }
    }

    @Test
    void aRefusedConnectIsAConnectExceptionInAGreenletAndOnAThread() throws Exception {
        int port;
        try (ServerSocket listener = listen()) {
            port = listener.getLocalPort();
        }
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port));
        FreshHub.run(() -> assertThrows(ConnectException.class,
                () -> new Socket(InetAddress.getLoopbackAddress(), port)));
    }

    @Test
    void aConnectTimeoutAndACloseFromAnotherThreadEndAPendingConnect() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.List<java.nio.channels.SocketChannel> fillers = fillAcceptQueue(listener);
            try {
                FreshHub.run(() -> {
                    Socket timed = new Socket();
                    SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                            () -> timed.connect(listener.getLocalSocketAddress(), 100));
                    assertEquals("Connect timed out", e.getMessage());
                    assertTrue(timed.isClosed(), "Socket.connect closes a socket that failed to connect");

                    java.util.List<Throwable> reported = new java.util.ArrayList<>();
                    io.gevent4j.hub.Hub.current().setErrorHandler((context, error) -> reported.add(error));
                    Socket closed = new Socket();
                    Greenlet<Object> connecting = Gevent.spawn(() -> {
                        closed.connect(listener.getLocalSocketAddress(), LIMIT_MS);
                        return "connected";
                    });
                    Gevent.sleep(0.05);
                    CompletableFuture.runAsync(() -> {
                        try {
                            closed.close();
                        } catch (java.io.IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    }).get(LIMIT_MS, TimeUnit.MILLISECONDS);
                    assertTrue(connecting.join(Duration.ofMillis(900)), "the close ended the connect before a SYN retry could");
                    assertEquals("Socket closed", assertInstanceOf(SocketException.class, connecting.exception()).getMessage());
                    assertEquals(java.util.List.of(connecting.exception()), reported);
                });
            } finally {
                for (var c : fillers) {
                    c.close();
                }
            }
        }
    }

    /**
     * Connects to {@code listener} (backlog 1, never accepting) until its accept queue is
     * full: Linux then drops further SYNs, so a connect stays pending for a second or more.
     */
    static java.util.List<java.nio.channels.SocketChannel> fillAcceptQueue(ServerSocket listener)
            throws Exception {
        java.util.List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            var c = java.nio.channels.SocketChannel.open();
            c.configureBlocking(false);
            fillers.add(c);
            c.connect(listener.getLocalSocketAddress());
        }
        Thread.sleep(50);
        int pending = 0;
        for (var c : fillers) {
            if (!c.finishConnect()) {
                pending++;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(pending > 0,
                "this kernel completed every connect to a full accept queue: no pending connect to test");
        return fillers;
    }

    @Test
    void closedSocketsLeaveNoFileDescriptorBehind() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        try (ServerSocket warmUp = listen()) {
            roundTripsOnAHub(warmUp, 1);
            roundTripsOnThreads(warmUp, 1);
        }
        long before = count(fds);
        try (ServerSocket listener = listen()) {
            roundTripsOnAHub(listener, 50);
            roundTripsOnThreads(listener, 10);
        }
        long deadline = System.nanoTime() + FreshHub.LIMIT.toNanos();
        while (count(fds) > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before, count(fds), "every socket and selector was closed");
    }

    /**
     * Reads and writes that need no wait allocate nothing per call (the review found a
     * lambda and a buffer per read). Measured on a platform thread without a hub, whose
     * allocations the JVM counts (it does not count a virtual thread's); the read and write
     * steps are the same in a greenlet.
     */
    @Test
    void readsAndWritesThatNeedNoWaitAllocateNothingPerCall() throws Exception {
        AllocatedBytes allocated = AllocatedBytes.counterOrNull();
        org.junit.jupiter.api.Assumptions.assumeTrue(allocated != null, "needs the JVM's per-thread allocation counter");
        int calls = 500;
        byte[] chunk = new byte[64];
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            client.setSoTimeout(LIMIT_MS);
            server.setSoTimeout(LIMIT_MS);
            InputStream in = server.getInputStream();
            OutputStream out = client.getOutputStream();
            DataInputStream drain = new DataInputStream(in);
            long[] perCall = new long[2];
            for (int round = 0; round < 3; round++) { // the first rounds warm the path up
                long start = allocated.now();
                for (int i = 0; i < calls; i++) {
                    out.write(chunk, 0, chunk.length); // 32 KiB in all: the socket buffers take it without a wait
                }
                perCall[0] = (allocated.now() - start) / calls;
                start = allocated.now();
                for (int i = 0; i < calls; i++) {
                    drain.readFully(chunk); // all were sent: a read waits only if the loopback has not delivered yet
                }
                perCall[1] = (allocated.now() - start) / calls;
            }
            assertTrue(perCall[0] < 8, "bytes allocated per write: " + perCall[0]);
            assertTrue(perCall[1] < 8, "bytes allocated per read: " + perCall[1]);
        }
    }

    /** The buffers a patched socket reuses do not keep the caller's arrays (a secret, a large one) reachable. */
    @Test
    void aSocketKeepsNoCallersArrayReachable() throws Exception {
        try (ServerSocket listener = listen();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            server.setSoTimeout(LIMIT_MS);
            java.lang.ref.WeakReference<byte[]> written = writeOnce(client.getOutputStream());
            java.lang.ref.WeakReference<byte[]> read = readOnce(server.getInputStream());
            for (int i = 0; i < 20 && (written.get() != null || read.get() != null); i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertTrue(written.get() == null, "the array written is still reachable from the socket");
            assertTrue(read.get() == null, "the array read into is still reachable from the socket");
        }
    }

    private static java.lang.ref.WeakReference<byte[]> writeOnce(OutputStream out) throws java.io.IOException {
        byte[] secret = new byte[4096];
        out.write(secret);
        return new java.lang.ref.WeakReference<>(secret);
    }

    private static java.lang.ref.WeakReference<byte[]> readOnce(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[4096];
        new DataInputStream(in).readFully(buf);
        return new java.lang.ref.WeakReference<>(buf);
    }

    private static void roundTripsOnAHub(ServerSocket listener, int connections) {
        FreshHub.run(() -> {
            Greenlet<Void> server = Gevent.spawn(() -> {
                for (int c = 0; c < connections; c++) {
                    Socket s = listener.accept();
                    Gevent.spawn(() -> echo(s));
                }
                return null;
            });
            for (int c = 0; c < connections; c++) {
                assertEquals(5, roundTrips(listener.getLocalPort(), 5));
            }
            server.get();
            Gevent.sleep(0.01);
        });
    }

    private static void roundTripsOnThreads(ServerSocket listener, int connections) throws Exception {
        listener.setSoTimeout(LIMIT_MS);
        for (int c = 0; c < connections; c++) {
            CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> {
                try {
                    return roundTrips(listener.getLocalPort(), 5);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            echo(listener.accept());
            assertEquals(5, client.get(LIMIT_MS, TimeUnit.MILLISECONDS));
        }
        listener.setSoTimeout(0);
    }

    private static long count(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    private static Void echo(Socket s) throws java.io.IOException {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[256];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
        return null;
    }

    private static int roundTrips(int port, int count) throws java.io.IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(LIMIT_MS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] msg = new byte[64];
            byte[] got = new byte[64];
            int ok = 0;
            for (int i = 0; i < count; i++) {
                msg[0] = (byte) i;
                out.write(msg);
                in.readFully(got);
                if (got[0] == (byte) i) {
                    ok++;
                }
            }
            return ok;
        }
    }
}
