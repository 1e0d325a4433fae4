package io.gevent4j.monkey;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

import static io.gevent4j.monkey.PatchedSocketTest.listen;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A kill or {@code Timeout} that ends a patched socket's wait in a greenlet leaves the
 * {@link Socket} (or {@link ServerSocket}) closed as the JDK's interrupt of a virtual thread
 * does: the socket's own {@code isClosed()} says so, so a library that checks it (a pool's
 * validation, Jedis's {@code isConnected}) discards the connection, and the exception is
 * {@code SocketException("Closed by interrupt")}. Runs in the patched-socket JVM (core/pom.xml).
 */
class PatchedSocketInterruptTest {

    @BeforeAll
    static void patch() {
        Monkey.patchSocket();
    }

    @Test
    void aKillMidReadLeavesTheSocketClosed() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                InputStream in = client.getInputStream();
                Greenlet<Integer> reader = Gevent.spawn(() -> in.read());
                Gevent.sleep(0.01);
                reader.kill();
                assertTrue(reader.killed(), "the kill ended the reader: " + reader.exception());
                assertTrue(client.isClosed(), "Socket.isClosed() after a kill ended its read");
                assertEquals(-1, peer.getInputStream().read(), "the peer sees the connection end");
            }
        });
    }

    @Test
    void aTimeoutMidReadInAGreenletIsClosedByInterruptAndLeavesTheSocketClosed() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                Greenlet<String> reader = Gevent.spawn(() -> {
                    Timeout timeout = Timeout.start(Duration.ofMillis(20));
                    SocketException e = assertThrows(SocketException.class, () -> client.getInputStream().read());
                    assertSame(timeout, assertThrows(Timeout.class, () -> Gevent.sleep(0)));
                    assertFalse(Thread.currentThread().isInterrupted(), "the raise's interrupt was consumed with it");
                    return e.getMessage();
                });
                assertEquals("Closed by interrupt", reader.get());
                assertTrue(client.isClosed(), "Socket.isClosed() after a Timeout ended its read");
            }
        });
    }

    @Test
    void aKillMidWriteLeavesTheSocketClosed() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                OutputStream out = client.getOutputStream();
                Greenlet<Void> writer = Gevent.spawn(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 10_000; i++) { // at most 640 MB: the peer reads none, so a write waits long before
                        out.write(chunk);
                    }
                    return null;
                });
                Gevent.sleep(0.05);
                assertFalse(writer.ready(), "the writer waits for the peer to read");
                writer.kill();
                assertTrue(writer.killed(), "the kill ended the writer: " + writer.exception());
                assertTrue(client.isClosed(), "Socket.isClosed() after a kill ended its write");
            }
        });
    }

    @Test
    void aTimeoutMidConnectIsClosedByInterruptAndLeavesTheSocketClosed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.List<java.nio.channels.SocketChannel> fillers = PatchedSocketTest.fillAcceptQueue(listener);
            try {
                FreshHub.run(() -> {
                    Socket client = new Socket();
                    Greenlet<SocketException> connecting = Gevent.spawn(() -> {
                        Timeout timeout = Timeout.start(Duration.ofMillis(50));
                        SocketException e = assertThrows(SocketException.class,
                                () -> client.connect(listener.getLocalSocketAddress()));
                        assertSame(timeout, assertThrows(Timeout.class, () -> Gevent.sleep(0)));
                        return e;
                    });
                    assertEquals("Closed by interrupt", connecting.get().getMessage());
                    assertTrue(client.isClosed(), "Socket.connect closes a socket that failed to connect");
                });
            } finally {
                for (var c : fillers) {
                    c.close();
                }
            }
        }
    }

    /**
     * {@code Thread.interrupt()} of a virtual thread reading a {@code java.net.Socket} closes
     * the socket and ends the read (JDK contract): what a {@code StructuredTaskScope} that
     * cancels its other forks, or an executor's {@code shutdownNow}, relies on. A virtual
     * thread started in a greenlet runs on the greenlet's hub and waits on its selector.
     */
    @Test
    void anInterruptOfAVirtualThreadOnTheHubEndsItsReadAndClosesTheSocket() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                Greenlet<Throwable> driver = Gevent.spawn(() -> {
                    java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try {
                            client.getInputStream().read();
                        } catch (Throwable t) {
                            ended.set(t);
                        }
                    });
                    Gevent.sleep(0.02);
                    reader.interrupt();
                    boolean ended5s = reader.join(Duration.ofSeconds(5));
                    client.close(); // ends a read the interrupt did not
                    reader.join();
                    assertTrue(ended5s, "the interrupt did not end the read");
                    return ended.get();
                });
                SocketException e = assertInstanceOf(SocketException.class, driver.get());
                assertEquals("Closed by interrupt", e.getMessage());
                assertTrue(client.isClosed());
            }
        });
    }

    /** The JDK's {@code SSLSocket} over a patched socket: a kill mid-read ends the read and closes it, as over the JDK's socket. */
    @Test
    void aKillMidReadOfAnSslSocketClosesIt() throws Exception {
        io.gevent4j.socket.TestCerts certs = io.gevent4j.socket.TestCerts.get();
        FreshHub.run(() -> {
            try (javax.net.ssl.SSLServerSocket listener = (javax.net.ssl.SSLServerSocket)
                    certs.localhostServer.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Greenlet<Void> server = Gevent.spawn(() -> {
                    try (Socket peer = listener.accept()) {
                        peer.getOutputStream().write(1);
                        assertEquals(-1, peer.getInputStream().read(), "the peer sees the connection end");
                    }
                    return null;
                });
                javax.net.ssl.SSLSocket client = (javax.net.ssl.SSLSocket)
                        certs.client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                try (client) {
                    assertEquals(1, client.getInputStream().read(), "the handshake and a first record went through");
                    Greenlet<Integer> reader = Gevent.spawn(() -> client.getInputStream().read());
                    Gevent.sleep(0.02);
                    reader.kill();
                    assertTrue(reader.killed(), "the kill ended the reader: " + reader.exception());
                    assertTrue(client.isClosed(), "SSLSocket.isClosed() after a kill ended its read");
                }
                server.get();
            }
        });
    }

    /** Sockets closed by kills, Timeouts and interrupts in their waits release every descriptor (and selector) they held. */
    @Test
    void socketsEndedByKillsTimeoutsAndInterruptsLeaveNoFileDescriptorBehind() throws Exception {
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(fds), "needs /proc/self/fd");
        endSockets(2); // warms up what the JDK opens once
        long before = countFds(fds);
        endSockets(30);
        long deadline = System.nanoTime() + FreshHub.LIMIT.toNanos();
        while (countFds(fds) > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before, countFds(fds), "every socket the kills, Timeouts and interrupts closed released its descriptor");
    }

    /** Opens {@code n} connections on a fresh hub and ends a wait in each: a kill, a Timeout or an interrupt, in turn. */
    private static void endSockets(int n) {
        FreshHub.run(() -> {
            io.gevent4j.hub.Hub.current().setErrorHandler((context, error) -> { }); // the interrupted readers fail, as expected
            try (ServerSocket listener = listen()) {
                for (int i = 0; i < n; i++) {
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    try (Socket peer = listener.accept()) {
                        int how = i % 3;
                        Greenlet<Object> reader = Gevent.spawn(() -> {
                            if (how == 1) {
                                Timeout.start(Duration.ofMillis(5));
                            }
                            if (how == 2) {
                                Thread.currentThread().interrupt();
                            }
                            return client.getInputStream().read();
                        });
                        if (how == 0) {
                            Gevent.sleep(0.005);
                            reader.kill();
                        }
                        reader.join();
                        assertTrue(client.isClosed(), "way " + how + " closed the socket: " + reader.exception());
                    }
                }
            }
        });
    }

    private static long countFds(java.nio.file.Path dir) throws java.io.IOException {
        try (var s = java.nio.file.Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aKillMidAcceptLeavesTheServerSocketClosed() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen()) {
                Greenlet<Socket> acceptor = Gevent.spawn(listener::accept);
                Gevent.sleep(0.01);
                acceptor.kill();
                assertTrue(acceptor.killed(), "the kill ended the acceptor: " + acceptor.exception());
                assertTrue(listener.isClosed(), "ServerSocket.isClosed() after a kill ended its accept");
            }
        });
    }
}
