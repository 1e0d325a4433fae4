package io.gevent4j.socket;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A connection accepted by {@link ListeningSocket#acceptDetached()} that no hub owns yet:
 * the way to accept on one hub and serve on another. A greenlet (or loop callback) of the
 * hub that serves it makes it a socket with {@link StreamSocket#adopt(DetachedSocket)};
 * whoever gives up on it before that {@link #close() closes} it.
 *
 * <p>It holds the accepted connection only: no hub, no buffer. It is
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

    private final SocketChannel channel;
    /** Whether {@link #take} or {@link #close} took the connection; set once, atomically. */
    @SuppressWarnings("unused") // through TAKEN
    private volatile boolean taken;

    /** A detached JDK channel, connected and registered nowhere. */
    DetachedSocket(SocketChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** The channel. */
    SocketChannel channel() {
        return channel;
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
        channel.close();
    }

    @Override
    public String toString() {
        return "DetachedSocket[" + channel + "]";
    }
}
