package io.gevent4j.socket;

import io.gevent4j.Waitable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.hub.Watcher;
import io.gevent4j.internal.linux.Net;
import io.gevent4j.internal.linux.NetOptions;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What every cooperative socket has: a non-blocking socket watched by the loop of the hub
 * that created it, a timeout, socket options and {@link #close()}.
 *
 * <p><b>Two kinds.</b> A TCP socket ({@link StreamSocket}, {@link ListeningSocket}) made on a
 * hub whose loop {@linkplain io.gevent4j.hub.Loop#watchesFds() watches file descriptors}
 * (Linux, native access granted, {@code -Dgevent4j.loop} not {@code selector}) is gevent4j's
 * own: a file descriptor driven by system calls, with no JDK channel, selection key or
 * address object behind it; {@link #channel()} throws {@link UnsupportedOperationException}
 * for it. Every other socket (UNIX-domain, UDP, any socket on a selector loop, an adopted
 * channel) is a non-blocking NIO channel registered in the hub's selector. Both keep the
 * contracts below.
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
 * {@link #close()} and {@link #getLocalAddress()}, which any thread may call.
 */
public abstract sealed class AbstractSocket implements AutoCloseable, Waitable
        permits StreamSocket, ListeningSocket, UdpSocket {

    /** The wait for reading (or accepting); its hub is the socket's. */
    final IoWait reader;
    /** Made on the first wait for writing: a connection that only waits to read holds none. */
    private IoWait writer;
    /** The channel, {@code null} for a socket of gevent4j's own. */
    private final SelectableChannel channel;
    /** The file descriptor of a socket of gevent4j's own, -1 for a channel. */
    final int fd;
    private Duration timeout;
    private boolean closed;
    /** Where {@link #fd} stands between the hub's close and another thread's: read and changed by {@link NativeFd}. */
    volatile byte fdState;
    /** The callbacks of {@link #rawLink}, made on the first: a connection nobody waits on holds none. */
    private SocketLinks links;
    /** The hub's buffer and system calls, looked up once: at birth for a file descriptor, on the first {@code recv} for a channel. */
    private RecvBuffer recvBuffer;

    /**
     * Makes {@code channel} non-blocking and registers it in the current hub's loop; if this
     * throws (no hub can serve the calling thread, or the channel cannot be configured), the
     * channel is closed: a subclass's factory need not close it again.
     */
    AbstractSocket(SelectableChannel channel) throws IOException {
        this.channel = channel;
        this.fd = -1;
        try {
            Hub hub = Hub.current();
            channel.configureBlocking(false);
            this.reader = new IoWait(hub, channel, Sockets.readOps(channel));
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /**
     * A socket of gevent4j's own over {@code fd}, a non-blocking TCP socket, watched for
     * {@code readOps} ({@code OP_READ} or {@code OP_ACCEPT}) by {@code hub}'s loop, which
     * {@linkplain io.gevent4j.hub.Loop#watchesFds() watches file descriptors}; if this throws,
     * {@code fd} is closed.
     */
    AbstractSocket(Hub hub, int fd, int readOps) throws IOException {
        this.channel = null;
        this.fd = fd;
        this.recvBuffer = RecvBuffer.of(hub);
        try {
            this.reader = new IoWait(hub, fd, readOps);
        } catch (RuntimeException | Error e) {
            recvBuffer.net().close(fd);
            throw e;
        }
    }

    /**
     * Whether a TCP socket made now on the current hub is one of gevent4j's own: its loop
     * watches file descriptors.
     */
    static boolean nativeHere() {
        return Hub.current().loop().watchesFds();
    }

    /**
     * The underlying non-blocking channel, for {@code select}, {@code waitRead} and options the
     * class lacks.
     *
     * @throws UnsupportedOperationException if the socket is one of gevent4j's own (see the
     *         class comment): run with {@code -Dgevent4j.loop=selector} to have every socket
     *         over a JDK channel
     */
    public SelectableChannel channel() {
        if (channel == null) {
            throw new UnsupportedOperationException(this + " is gevent4j's own socket over a file descriptor, "
                    + "with no JDK channel: run with -Dgevent4j.loop=selector for sockets over JDK channels");
        }
        return channel;
    }

    /** Whether this is a socket of gevent4j's own over a file descriptor, not a JDK channel. */
    final boolean isNative() {
        return channel == null;
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

    /**
     * Sets a socket option ({@link java.net.StandardSocketOptions}); returns this socket.
     *
     * @throws UnsupportedOperationException if the socket does not support the option
     * @throws IllegalArgumentException if the value is not valid for it
     */
    public <T> AbstractSocket setOption(SocketOption<T> name, T value) throws IOException {
        if (channel != null) {
            ((NetworkChannel) channel).setOption(name, value);
        } else {
            ensureOpen();
            NetOptions.set(net(), fd, nativeOptions(), name, value);
        }
        return this;
    }

    /**
     * The value of a socket option.
     *
     * @throws UnsupportedOperationException if the socket does not support the option
     */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (channel != null) {
            return ((NetworkChannel) channel).getOption(name);
        }
        ensureOpen();
        return NetOptions.get(net(), fd, nativeOptions(), name);
    }

    /** The options a socket of gevent4j's own of this kind supports. */
    Set<SocketOption<?>> nativeOptions() {
        return NetOptions.STREAM;
    }

    /**
     * The address this socket is bound to, or {@code null} if it is not bound. Any thread, as
     * the JDK channel's.
     *
     * @throws ClosedChannelException if the socket is closed
     */
    public SocketAddress getLocalAddress() throws IOException {
        if (channel != null) {
            return ((NetworkChannel) channel).getLocalAddress();
        }
        if (closed || NativeFd.gone(this)) {
            throw new ClosedChannelException();
        }
        try {
            if (hub().isCurrent()) {
                return net().localAddress(fd);
            }
            try (Arena arena = Arena.ofConfined()) {
                return new Net(arena).localAddress(fd);
            }
        } catch (IOException e) {
            throw NativeFd.failure(this, e);
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the socket: its file descriptor is released before this returns (a listening
     * socket's port is free, a peer sees the close, as gevent's {@code close()}; a stream
     * connection over a JDK channel closed on its hub is seen closed by its peer at once, but
     * its descriptor is released by the hub's next poll, so that closing many costs no poll
     * each: see {@link io.gevent4j.hub.Loop#closeChannel}), greenlets waiting on it are woken with {@link java.nio.channels.AsynchronousCloseException} and
     * its watchers are released. Idempotent. Any thread: from another thread than the hub's,
     * the connection is closed at once (the port freed, the peer sees the close) and the rest
     * is handed to the hub, so {@link #isClosed()} turns true, and the descriptor's number is
     * released, when the hub next runs (the number of a socket of gevent4j's own at once if
     * the hub is closed; a hub neither closed nor run any more keeps it).
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (!hub().isCurrent()) {
            if (channel != null) {
                hub().loop().closeChannel(channel);
            } else {
                NativeFd.preClose(this);
            }
            hub().loop().runCallbackThreadsafe(this::closeOnHub);
            if (channel == null && hub().loop().isClosed()) {
                releaseAfterTheHub();
            }
            return;
        }
        closed = true;
        try {
            if (links != null) {
                links.close();
                links.fireSoon();
            }
            SocketWait.close(reader);
            if (writer != null) {
                SocketWait.close(writer);
            }
            onClose();
        } finally {
            if (channel != null) {
                hub().loop().closeChannel(channel);
            } else {
                NativeFd.release(this, net());
            }
        }
    }

    /**
     * Another thread's close of a socket whose hub's loop is closed, which drops the close
     * handed to it: the number is closed here, as nothing can use it any more.
     */
    private void releaseAfterTheHub() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NativeFd.release(this, new Net(arena));
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
     * Whether a socket of gevent4j's own is readable now (or has an error or end of stream to
     * report); see {@link NativeIo#readyOps}. {@code false} for a channel, whose selector reports
     * a readable channel in any case.
     */
    final boolean readableNow() throws IOException {
        return channel == null && !closed && NativeIo.readyOps(this, SelectionKey.OP_READ) != 0;
    }

    /**
     * A new, stopped watcher of this socket becoming readable (or acceptable: for a file
     * descriptor {@code OP_READ} and {@code OP_ACCEPT} are the same readiness).
     */
    final Watcher readableWatcher() {
        return channel != null ? hub().loop().io(channel, Sockets.readOps(channel))
                : hub().loop().fdWatcher(fd, SelectionKey.OP_READ);
    }

    /**
     * Runs {@code callback} once, from a loop callback on the hub's thread, when the socket
     * can be read (or accepted from), is {@link #ready()} or is closed; it does not consume anything.
     */
    @Override
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        hub().checkCurrent(this);
        if (links == null) {
            links = new SocketLinks(this);
        }
        try {
            links.add(callback);
        } catch (IOException e) {
            links.fireSoon(); // the socket is broken: a read reports why
        }
    }

    @Override
    public boolean unlinkRaw(Runnable callback) {
        return links != null && links.remove(callback);
    }

    /**
     * The socket turned {@link #ready()} without its channel becoming readable (bytes handed
     * back to it): runs the links waiting for readiness, from a loop callback.
     */
    final void becameReady() {
        if (links != null) {
            links.fireSoon();
        }
    }

    /** Releases what a subclass holds besides the two directions; called once by {@link #close()}. */
    void onClose() {
    }

    /** Waits until the channel can be read (or accepted from), after an operation found nothing. */
    final void awaitReadable() throws IOException {
        ensureOpen();
        SocketWait.await(reader, this, timeout, "reading");
    }

    /** Whether a greenlet waits to write now. */
    final boolean writerBusy() {
        return writer != null && SocketWait.busy(writer);
    }

    /** The wait for writing (or, on a socket of gevent4j's own, for a connection under way). */
    final IoWait writer() {
        if (writer == null) {
            writer = channel != null ? new IoWait(hub(), channel, SelectionKey.OP_WRITE)
                    : new IoWait(hub(), fd, SelectionKey.OP_WRITE);
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

    /**
     * Binds the socket to {@code local} (port 0: any free port; {@code null}: the wildcard
     * address and any port), on the socket's hub, the socket open.
     */
    final void bindChannel(SocketAddress local) throws IOException {
        ensureOpen();
        if (channel != null) {
            ((NetworkChannel) channel).bind(local);
        } else {
            if (net().localAddress(fd) != null) {
                throw new AlreadyBoundException();
            }
            net().bind(fd, local != null ? inet(local) : wildcard());
        }
    }

    /** The address a socket of gevent4j's own binds to when given none, as a JDK channel: its family's wildcard, any port. */
    private InetSocketAddress wildcard() throws IOException {
        return new InetSocketAddress(net().isInet6(fd) ? "::" : "0.0.0.0", 0);
    }

    /**
     * {@code address} as the address of a socket of gevent4j's own.
     *
     * @throws UnsupportedAddressTypeException if it is not an {@link InetSocketAddress}, as a JDK TCP channel's
     */
    static InetSocketAddress inet(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet;
        }
        Objects.requireNonNull(address, "address");
        throw new UnsupportedAddressTypeException();
    }

    /** The native memory of the socket's hub. Hub-thread only. */
    final RecvBuffer recvBuffer() {
        if (recvBuffer == null) {
            recvBuffer = RecvBuffer.of(hub());
        }
        return recvBuffer;
    }

    /** The system calls of the socket's hub. Hub-thread only. */
    final Net net() {
        return recvBuffer().net();
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
        return getClass().getSimpleName() + "[" + (closed ? "closed" : channel != null ? channel.toString() : "fd " + fd) + "]";
    }
}
