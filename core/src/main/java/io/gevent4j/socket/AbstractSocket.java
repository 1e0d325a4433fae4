package io.gevent4j.socket;

import io.gevent4j.Waitable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.hub.IoWatcher;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every cooperative socket has: a non-blocking NIO channel registered in the loop of
 * the hub that created the socket, a timeout, socket options and {@link #close()}.
 *
 * <p><b>Blocking.</b> Operations that must wait (read, write, accept, connect) block the
 * calling greenlet only: the hub runs other greenlets until the channel is ready. Each wait
 * is limited by the socket's {@linkplain #setTimeout timeout} ({@link java.net.SocketTimeoutException})
 * and can be interrupted by a {@code Timeout} or a kill, which leave the socket usable.
 * One greenlet may wait to read and another to write at the same time; a second greenlet
 * waiting in a direction already waited on gets {@link ConcurrentObjectUseException}.
 * {@link #close()} wakes the greenlets waiting on the socket with
 * {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <p><b>Waiting for several.</b> A socket is a {@link Waitable} whose readiness is
 * "readable" (a connection to accept, for a listening socket): {@code Gevent.wait} and
 * {@code Gevent.iwait} over sockets return those that can be read, or are closed, without
 * reading them. {@link #ready()} answers without a system call, so it only knows about a
 * closed socket; {@link Select} tells which sockets are ready now.
 *
 * <p><b>Threads.</b> A socket belongs to the hub that created it: it must be used by that
 * hub's greenlets (or its platform thread); an operation from another thread throws
 * {@link IllegalStateException}, whether or not it would have to wait, except
 * {@link #close()}, which any thread may call.
 */
public abstract sealed class AbstractSocket implements AutoCloseable, Waitable
        permits StreamSocket, ListeningSocket, UdpSocket {

    /** The wait for reading (or accepting); its hub is the socket's. */
    final IoWait reader;
    /** Made on the first wait for writing: a connection that only waits to read holds none. */
    private IoWait writer;
    private final SelectableChannel channel;
    private Duration timeout;
    private boolean closed;
    /** The callbacks of {@link #rawLink}, made on the first: a connection nobody waits on holds none. */
    private List<Runnable> links;
    private IoWatcher linkWatcher;

    /**
     * Makes {@code channel} non-blocking and registers it in the current hub's loop; if this
     * throws (no hub can serve the calling thread, or the channel cannot be configured), the
     * channel is closed: a subclass's factory need not close it again.
     */
    AbstractSocket(SelectableChannel channel) throws IOException {
        this.channel = channel;
        try {
            Hub hub = Hub.current();
            channel.configureBlocking(false);
            this.reader = new IoWait(hub, channel, Sockets.readOps(channel));
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** The underlying non-blocking channel, for {@code select}, {@code waitRead} and options the class lacks. */
    public SelectableChannel channel() {
        return channel;
    }

    /**
     * Limits each operation of this socket to {@code timeout} (gevent's {@code settimeout}):
     * {@code null} waits without limit (the default), {@link Duration#ZERO} never waits
     * (an operation that would have to wait throws {@link java.net.SocketTimeoutException}
     * at once, where gevent raises {@code BlockingIOError}: Java has no such exception), anything else throws {@link java.net.SocketTimeoutException} when an
     * operation waits longer. A call that waits several times ({@code sendAll}, a TLS
     * write) is bounded by the timeout as a whole, as gevent's {@code sendall}.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public void setTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative socket timeout: " + timeout);
        }
        this.timeout = timeout;
    }

    /** The timeout set with {@link #setTimeout}, or {@code null} for none. */
    public Duration getTimeout() {
        return timeout;
    }

    /** Sets a socket option ({@link java.net.StandardSocketOptions}); returns this socket. */
    public <T> AbstractSocket setOption(SocketOption<T> name, T value) throws IOException {
        ((NetworkChannel) channel).setOption(name, value);
        return this;
    }

    /** The value of a socket option. */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ((NetworkChannel) channel).getOption(name);
    }

    /** The address this socket is bound to, or {@code null} if it is not bound. */
    public SocketAddress getLocalAddress() throws IOException {
        return ((NetworkChannel) channel).getLocalAddress();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the socket: its file descriptor is released before this returns (a listening
     * socket's port is free, a peer sees the close, as gevent's {@code close()}; a stream
     * connection closed on its hub is seen closed by its peer at once, but its descriptor is
     * released by the hub's next poll, so that closing many costs no poll each: see
     * {@link io.gevent4j.hub.Loop#closeChannel}), greenlets waiting on it are woken with {@link java.nio.channels.AsynchronousCloseException} and
     * its watchers are released. Idempotent. Any thread: from another thread than the hub's,
     * the channel is closed at once and the rest is handed to the hub, so {@link #isClosed()}
     * turns true when the hub next runs.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (!hub().isCurrent()) {
            hub().loop().closeChannel(channel);
            hub().loop().runCallbackThreadsafe(this::closeOnHub);
            return;
        }
        closed = true;
        try {
            if (linkWatcher != null) {
                linkWatcher.close();
            }
            becameReady();
            SocketWait.close(reader);
            if (writer != null) {
                SocketWait.close(writer);
            }
            onClose();
        } finally {
            hub().loop().closeChannel(channel);
        }
    }

    private void closeOnHub() {
        try {
            close();
        } catch (IOException e) {
            hub().handleError(this, e);
        }
    }

    /**
     * Whether waiting on this socket would return at once. Without a system call this is
     * only known for a closed socket; see the class comment.
     */
    @Override
    public boolean ready() {
        return closed;
    }

    /**
     * Runs {@code callback} once, from a loop callback on the hub's thread, when the socket
     * can be read (or accepted from), is {@link #ready()} or is closed; it does not consume anything.
     */
    @Override
    public void rawLink(Runnable callback) {
        java.util.Objects.requireNonNull(callback, "callback");
        hub().checkCurrent(this);
        if (links == null) {
            links = new ArrayList<>(1);
        }
        links.add(callback);
        if (ready()) {
            if (links.size() == 1) {
                hub().loop().runCallback(this::fireLinks);
            }
            return;
        }
        if (linkWatcher == null) {
            linkWatcher = hub().loop().io(channel, Sockets.readOps(channel));
        }
        if (!linkWatcher.isActive()) {
            linkWatcher.start(this::fireLinks);
        }
    }

    @Override
    public boolean unlinkRaw(Runnable callback) {
        boolean removed = links != null && links.remove(callback);
        if (removed && links.isEmpty() && linkWatcher != null) {
            linkWatcher.stop();
        }
        return removed;
    }

    /**
     * The socket turned {@link #ready()} without its channel becoming readable (bytes handed
     * back to it): runs the links waiting for readiness, from a loop callback.
     */
    final void becameReady() {
        if (links != null && !links.isEmpty()) {
            hub().loop().runCallback(this::fireLinks);
        }
    }

    private void fireLinks() {
        if (linkWatcher != null) {
            linkWatcher.stop();
        }
        List<Runnable> now = List.copyOf(links);
        links.clear();
        for (Runnable r : now) {
            try {
                r.run();
            } catch (Throwable t) {
                hub().handleError(r, t);
            }
        }
    }

    /** Releases what a subclass holds besides the two directions; called once by {@link #close()}. */
    void onClose() {
    }

    /** Waits until the channel can be read (or accepted from). */
    final void awaitReadable() throws IOException {
        ensureOpen();
        SocketWait.await(reader, this, timeout, "reading");
    }

    /** Whether a greenlet waits to write now. */
    final boolean writerBusy() {
        return writer != null && SocketWait.busy(writer);
    }

    private IoWait writer() {
        if (writer == null) {
            writer = new IoWait(hub(), channel, SelectionKey.OP_WRITE);
        }
        return writer;
    }

    /** Waits until the channel can be written. */
    final void awaitWritable() throws IOException {
        ensureOpen();
        SocketWait.await(writer(), this, timeout, "writing");
    }

    /**
     * Waits until the channel can be written, within what is left of the socket's timeout
     * counted from {@code startNanos} ({@link System#nanoTime()}): the bound of a call that
     * waits several times, as {@code sendall}'s.
     */
    final void awaitWritableSince(long startNanos) throws IOException {
        ensureOpen();
        Duration left = timeout == null ? null
                : Duration.ofNanos(Math.max(0, timeout.toNanos() - (System.nanoTime() - startNanos)));
        SocketWait.await(writer(), this, left, "writing");
    }

    /** Binds the channel to {@code local} (port 0: any free port), on the socket's hub, the socket open. */
    final void bindChannel(SocketAddress local) throws IOException {
        ensureOpen();
        ((NetworkChannel) channel).bind(local);
    }

    /** The hub whose greenlets may use this socket: the one that created it. */
    final Hub hub() {
        return reader.hub();
    }

    /** Every operation starts here: on the socket's hub, and the socket open. */
    final void ensureOpen() throws ClosedChannelException {
        hub().checkCurrent(this);
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (closed ? "closed" : channel.toString()) + "]";
    }
}
