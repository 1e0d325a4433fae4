package io.gevent4j.monkey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * gevent's {@code gevent.monkey}: opt-in, JVM-wide replacements that make JDK blocking
 * APIs wait on the hub's own selector inside greenlets.
 *
 * <p>{@link #patchSocket()} is {@code patch_all(socket=True)}: every {@link Socket} and
 * {@link ServerSocket} made afterwards (by the application or any unmodified library: JDBC
 * drivers, Redis and HTTP clients) waits inside a greenlet on its hub's selector, with no
 * hop through the JDK's poller threads, and blocks any other thread as before. Without it a
 * {@code java.net.Socket} in a greenlet already blocks only that greenlet, through the
 * JDK's poller; the patch makes each wait cheaper (see {@code bench/README.md}). A
 * {@code Timeout} or kill still closes a socket it interrupts, as with the JDK's socket, so
 * that libraries and their pools see a broken connection. Sockets made before
 * the call keep the JDK's implementation; {@link java.nio.channels.SocketChannel} and
 * {@code HttpClient} are not affected.
 *
 * <p>Thread-safe.
 */
public final class Monkey {

    private static boolean socketPatched;

    private Monkey() {
    }

    /**
     * Installs the patched socket implementation JVM-wide through
     * {@link Socket#setSocketImplFactory} and {@link ServerSocket#setSocketFactory}. Call it
     * early (in {@code main}, before libraries open sockets); calling it again does nothing.
     * It cannot be undone: the JDK lets a factory be set once per JVM.
     *
     * @throws IllegalStateException if another socket factory was installed already
     */
    @SuppressWarnings("deprecation") // ServerSocket.setSocketFactory: the only hook for server sockets
    public static synchronized void patchSocket() {
        if (socketPatched) {
            return;
        }
        try {
            Socket.setSocketImplFactory(GreenSocketImpl::new);
            ServerSocket.setSocketFactory(GreenServerSocketImpl::new);
        } catch (java.net.SocketException e) {
            throw new IllegalStateException("another socket implementation factory is installed already: "
                    + "java.net.Socket cannot be patched in this JVM", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        socketPatched = true;
    }

    /** Whether {@link #patchSocket()} ran in this JVM. */
    public static synchronized boolean isSocketPatched() {
        return socketPatched;
    }
}
