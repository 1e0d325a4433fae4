package io.gevent4j.http;

import io.gevent4j.hub.IoWatcher;
import io.gevent4j.hub.Loop;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TlsSocket;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Duration;

/**
 * A connection's byte stream: the accepted socket, or TLS over it. Reads and writes block
 * the connection's greenlet only, each wait bounded by the timeout last set. Hub-thread only.
 */
final class Transport implements AutoCloseable {

    private final StreamSocket socket;
    private final TlsSocket tls;

    Transport(StreamSocket socket, TlsSocket tls) {
        this.socket = socket;
        this.tls = tls;
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

    void sendAll(ByteBuffer src) throws IOException {
        if (tls != null) {
            tls.sendAll(src);
        } else {
            socket.sendAll(src);
        }
    }

    /** Whether {@link #writeNow} may be used: a plain connection (TLS writes go through {@link #sendAll} only). */
    boolean writesWithoutWaiting() {
        return tls == null;
    }

    /**
     * One write that never waits, on a plain connection: what the kernel takes now, maybe
     * nothing. Also from a loop callback of the socket's hub, outside any greenlet.
     *
     * @return how many bytes were written
     */
    int writeNow(ByteBuffer src) throws IOException {
        return socket.channel().write(src);
    }

    /** A new, stopped watcher of the socket becoming writable, in {@code loop} (the socket's hub's). */
    IoWatcher writableWatcher(Loop loop) {
        return loop.io(socket.channel(), SelectionKey.OP_WRITE);
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
