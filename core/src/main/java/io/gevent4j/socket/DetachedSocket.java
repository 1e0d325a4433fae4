package io.gevent4j.socket;

import io.gevent4j.internal.linux.Net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A connection accepted by {@link ListeningSocket#acceptDetached()} that no hub owns yet:
 * the way to accept on one hub and serve on another. A greenlet (or loop callback) of the
 * hub that serves it makes it a socket with {@link StreamSocket#adopt(DetachedSocket)};
 * whoever gives up on it before that {@link #close() closes} it.
 *
 * <p>It holds the accepted connection only (its JDK channel, or its file descriptor when the
 * listening socket is one of gevent4j's own): no hub, no buffer, no address. It is
 * adopted at most once. Any thread may hand it on, adopt it or close it; adopting and
 * closing are atomic with each other, so exactly one of them takes the connection.
 */
public final class DetachedSocket implements AutoCloseable {

    private static final VarHandle TAKEN;

    static {
        try {
            TAKEN = MethodHandles.lookup().findVarHandle(DetachedSocket.class, "taken", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The accepted channel, {@code null} for a file descriptor. */
    private final SocketChannel channel;
    /** The accepted file descriptor, -1 for a channel. */
    private final int fd;
    private final SocketAddress remote;
    /** Whether {@link #take} or {@link #close} took the connection; set once, atomically. */
    @SuppressWarnings("unused") // through TAKEN
    private volatile boolean taken;

    private DetachedSocket(SocketChannel channel, int fd, SocketAddress remote) {
        this.channel = channel;
        this.fd = fd;
        this.remote = remote;
    }

    /**
     * A detached JDK channel, connected and registered nowhere; if this throws, the channel
     * is closed.
     */
    static DetachedSocket of(SocketChannel channel) throws IOException {
        try {
            return new DetachedSocket(channel, -1, channel.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A detached connected non-blocking TCP socket's file descriptor, watched nowhere, whose peer is {@code remote}. */
    static DetachedSocket ofFd(int fd, SocketAddress remote) {
        return new DetachedSocket(null, fd, remote);
    }

    /**
     * The peer's address, as the accept found it: known even if the peer has reset the
     * connection since (a socket of gevent4j's own asks the kernel for its peer's address
     * when asked, and holds none). Any thread.
     */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /** Whether it holds a file descriptor rather than a JDK channel. */
    boolean isFd() {
        return channel == null;
    }

    /** The channel, {@code null} for a file descriptor. */
    SocketChannel channel() {
        return channel;
    }

    /** The file descriptor, -1 for a channel. */
    int fd() {
        return fd;
    }

    /**
     * Takes the connection for a socket to own.
     *
     * @throws IllegalStateException if it was adopted or closed already
     */
    void take() {
        if (!TAKEN.compareAndSet(this, false, true)) {
            throw new IllegalStateException("this connection was adopted or closed already: " + this);
        }
    }

    /**
     * Closes the connection unless it was adopted (then this does nothing: the socket owns
     * it). Idempotent; any thread.
     */
    @Override
    public void close() throws IOException {
        if (!TAKEN.compareAndSet(this, false, true)) {
            return;
        }
        if (channel != null) {
            channel.close();
        } else {
            closeFd(fd);
        }
    }

    /** Closes a file descriptor that no hub watches, from any thread. */
    static void closeFd(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            new Net(arena).close(fd);
        }
    }

    @Override
    public String toString() {
        return "DetachedSocket[" + (channel != null ? channel : "fd " + fd) + "]";
    }
}
