package io.gevent4j.http;

import io.gevent4j.hub.Watcher;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TlsSocket;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection's byte stream: the accepted socket, or TLS over it. Reads and writes block
 * the connection's greenlet only, each wait bounded by the timeout last set. Hub-thread only.
 *
 * <p>A plain connection writes through its hub's direct buffer: bytes are copied there and
 * written at once, without a switch in between, so the connections of a hub share it. A
 * write from a heap buffer would have the JDK do the same copy into a temporary direct
 * buffer of its own, looked up twice per write in a carrier-thread-local cache.
 */
final class Transport implements AutoCloseable {

    private final StreamSocket socket;
    private final TlsSocket tls;
    private final ByteBuffer direct;

    /** A connection over {@code socket}, TLS if {@code tls} is not null; {@code direct} is its hub's write buffer. */
    Transport(StreamSocket socket, TlsSocket tls, ByteBuffer direct) {
        this.socket = socket;
        this.tls = tls;
        this.direct = direct;
    }

    StreamSocket socket() {
        return socket;
    }

    /** The TLS session, or {@code null} on a plain connection. */
    SSLSession tlsSession() {
        return tls == null ? null : tls.getSession();
    }

    /** Runs the TLS handshake, if TLS is on. */
    void handshake() throws IOException {
        if (tls != null) {
            tls.handshake();
        }
    }

    void setTimeout(Duration timeout) {
        socket.setTimeout(timeout);
    }

    /** Reads at least one byte into {@code dst}, or returns -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException {
        return tls != null ? tls.read(dst) : socket.read(dst);
    }

    /** Writes all of {@code b[off, off + len)}, blocking the greenlet while the peer does not read. */
    void sendAll(byte[] b, int off, int len) throws IOException {
        if (tls != null) {
            tls.sendAll(ByteBuffer.wrap(b, off, len));
            return;
        }
        int n = writeNow(b, off, len);
        if (n < len) {
            socket.sendAll(ByteBuffer.wrap(b, off + n, len - n));
        }
    }

    /** Whether {@link #writeNow} may be used: a plain connection (TLS writes go through {@link #sendAll} only). */
    boolean writesWithoutWaiting() {
        return tls == null;
    }

    /**
     * One write that never waits, on a plain connection: what the kernel takes now of
     * {@code b[off, off + len)} (at most the hub's direct buffer's capacity), maybe nothing.
     * Also from a loop callback of the socket's hub, outside any greenlet.
     *
     * @return how many bytes were written
     */
    int writeNow(byte[] b, int off, int len) throws IOException {
        direct.clear();
        direct.put(b, off, Math.min(len, direct.capacity())).flip();
        return socket.writeNow(direct);
    }

    /** A new, stopped watcher of the socket becoming writable, in its hub's loop. */
    Watcher writableWatcher() {
        return socket.writableWatcher();
    }

    @Override
    public void close() throws IOException {
        if (tls != null) {
            tls.close();
        } else {
            socket.close();
        }
    }
}
