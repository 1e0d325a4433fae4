package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.hub.Watcher;
import io.gevent4j.internal.linux.Net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A cooperative connected stream socket, TCP or UNIX-domain (gevent's {@code socket} with
 * {@code SOCK_STREAM}): a TCP socket of gevent4j's own over a file descriptor where the
 * hub's loop watches file descriptors, else a non-blocking {@link SocketChannel} registered
 * in the hub's selector (see {@link AbstractSocket}).
 *
 * <pre>{@code
 * try (StreamSocket s = Sockets.createConnection(new InetSocketAddress("127.0.0.1", 8080), Duration.ofSeconds(5), null)) {
 *     s.sendAll(ByteBuffer.wrap("ping\n".getBytes()));
 *     var in = new BufferedReader(new InputStreamReader(s.getInputStream()));
 *     String reply = in.readLine();
 * }
 * }</pre>
 *
 * <p>{@link #read} waits until at least one byte arrives (or end of stream), {@link #write}
 * until at least one byte is written, {@link #sendAll} until everything is; {@link #connect}
 * until the connection is made. Each wait blocks the calling greenlet only, honours the
 * socket's {@linkplain #setTimeout timeout} and can be interrupted by a {@code Timeout} or a
 * kill without harming the socket (an interrupted {@code connect} leaves it unusable, as in
 * gevent). Errors are the channel's: {@link java.net.ConnectException} for a refused
 * connection, {@link java.net.SocketException} for a reset. Hub-thread only, see
 * {@link AbstractSocket}.
 */
public final class StreamSocket extends AbstractSocket implements ByteChannel {

    /**
     * What a read waits for, in errors. {@link #read} and {@link #recv} wait on the reader
     * themselves rather than through {@code awaitReadable()} or {@link SocketWait#await}: a
     * greenlet parked in a read keeps every frame of that path in its stack while it waits,
     * idle connections included (each frame ~17 words until the JIT compiles the path, for
     * the greenlet's whole life). They checked the socket on entry, and nothing switches
     * between that check (or a read that found the channel open) and the wait.
     */
    private static final String READING = "reading";

    /** The most bytes one write takes from a heap buffer; see {@link #writeSome}. */
    private static final int MAX_HEAP_WRITE = 1 << 20;

    /**
     * The last read got fewer bytes than it had room for, so the kernel's buffer is almost
     * surely empty: the next read waits for readiness first instead of spending a system
     * call to learn that nothing is there. Bytes that arrived meanwhile end the wait at once:
     * the selector is level-triggered, and a file descriptor's watcher remembers the edges
     * it saw while nobody waited (and, once the peer hung up, that the socket stays readable).
     * A read of a socket of gevent4j's own stops at its first system call that comes back
     * short ({@link NativeIo}), so a short read does mean an empty queue.
     */
    private boolean drained;
    /**
     * {@link #shutdownOutput()} was called: a socket of gevent4j's own then refuses writes as a
     * JDK channel does ({@link ClosedChannelException}), where the kernel
     * would say "Broken pipe" as if the peer had gone.
     */
    private boolean outputShut;
    /** Bytes read past the end of TLS by {@link TlsSocket#unwrap()}: the next reads return them first. */
    private ByteBuffer unread;
    private IoWait connecting;
    private ChannelStreams streams;

    StreamSocket(SocketChannel channel) throws IOException {
        super(channel);
    }

    /** A socket of gevent4j's own over {@code fd}, a connected (or unconnected) non-blocking TCP socket, on {@code hub}. */
    StreamSocket(Hub hub, int fd) throws IOException {
        super(hub, fd, SelectionKey.OP_READ);
    }

    /**
     * The underlying non-blocking channel, for {@code select}, {@code waitRead} and options the class lacks.
     *
     * @throws UnsupportedOperationException if the socket is one of gevent4j's own over a file
     *         descriptor (run with {@code -Dgevent4j.loop=selector} to have JDK channels)
     */
    @Override
    public SocketChannel channel() {
        return (SocketChannel) super.channel();
    }

    /** An unconnected TCP socket (IPv6 where the platform has it, accepting IPv4 too). */
    public static StreamSocket open() throws IOException {
        if (nativeHere()) {
            Hub hub = Hub.current();
            return new StreamSocket(hub, RecvBuffer.of(hub).net().socket());
        }
        return new StreamSocket(SocketChannel.open());
    }

    /** An unconnected socket of {@code family}: {@link StandardProtocolFamily#INET}, {@code INET6} or {@code UNIX}. */
    public static StreamSocket open(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "family");
        if (family != StandardProtocolFamily.UNIX && nativeHere()) {
            return openNative(family == StandardProtocolFamily.INET6);
        }
        return new StreamSocket(SocketChannel.open(family));
    }

    private static StreamSocket openNative(boolean inet6) throws IOException {
        Hub hub = Hub.current();
        return new StreamSocket(hub, RecvBuffer.of(hub).net().socket(inet6));
    }

    /**
     * A socket connected to {@code remote} (an {@link java.net.InetSocketAddress} with a
     * resolved address, or a {@link UnixDomainSocketAddress}), without a timeout, as
     * {@link SocketChannel#open(SocketAddress)}; see {@link Sockets#createConnection} for one
     * with a timeout and a source address.
     */
    public static StreamSocket open(SocketAddress remote) throws IOException {
        StreamSocket s = open(familyOf(remote));
        try {
            s.connect(remote);
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /**
     * Makes a socket of the current hub from {@code channel}, a connected channel that no
     * other socket owns: e.g. one accepted on another hub with
     * {@link ListeningSocket#acceptChannel()}. The socket owns the channel from then on; if
     * this throws, the channel is closed.
     */
    public static StreamSocket adopt(SocketChannel channel) throws IOException {
        return new StreamSocket(Objects.requireNonNull(channel, "channel"));
    }

    /**
     * Makes a socket of the current hub from {@code detached}, a connection accepted with
     * {@link ListeningSocket#acceptDetached()}, maybe on another hub. The socket owns the
     * connection from then on; if this throws, the connection is closed.
     *
     * @throws IllegalStateException if it was adopted or closed already, or it is a socket of
     *         gevent4j's own and the current hub's loop does not watch file descriptors
     */
    public static StreamSocket adopt(DetachedSocket detached) throws IOException {
        detached.take();
        if (!detached.isFd()) {
            return new StreamSocket(detached.channel());
        }
        Hub hub = Hub.current();
        if (!hub.loop().watchesFds()) {
            DetachedSocket.closeFd(detached.fd());
            throw new IllegalStateException("a connection accepted by gevent4j's own listening socket needs a hub "
                    + "whose loop watches file descriptors, and " + hub + "'s does not");
        }
        return new StreamSocket(hub, detached.fd());
    }

    static ProtocolFamily familyOf(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        if (address instanceof java.net.InetSocketAddress inet) {
            if (inet.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address " + inet
                        + ": resolve it first, or use Sockets.createConnection");
            }
            return inet.getAddress() instanceof java.net.Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        }
        throw new IllegalArgumentException("unsupported address type: " + address.getClass().getName());
    }

    /**
     * Binds the socket to a local address before connecting ({@code null}: the wildcard address, any port); returns this socket.
     *
     * @throws java.nio.channels.AlreadyBoundException if it is bound already (connecting binds it)
     */
    public StreamSocket bind(SocketAddress local) throws IOException {
        bindChannel(local);
        return this;
    }

    /**
     * Connects to {@code remote}, blocking the greenlet until the connection is made.
     *
     * @throws java.net.ConnectException if the peer refuses
     * @throws java.net.SocketTimeoutException if the socket's timeout passes first
     * @throws java.nio.channels.AlreadyConnectedException if the socket is connected already
     */
    public void connect(SocketAddress remote) throws IOException {
        ensureOpen();
        Objects.requireNonNull(remote, "remote");
        if (isNative()) {
            connectNative(inet(remote));
            return;
        }
        if (channel().connect(remote)) {
            return;
        }
        if (connecting == null) {
            connecting = new IoWait(hub(), channel(), SelectionKey.OP_CONNECT);
        }
        while (!channel().finishConnect()) {
            SocketWait.await(connecting, this, getTimeout(), "connecting");
        }
        SocketWait.close(connecting);
        connecting = null;
    }

    /** {@link #connect} of a socket of gevent4j's own: waits for writability after {@code EINPROGRESS}. */
    private void connectNative(InetSocketAddress remote) throws IOException {
        if (net().remoteAddress(fd) != null) {
            throw new AlreadyConnectedException(); // the kernel would connect "again" once, silently
        }
        if (net().connect(fd, remote)) {
            return;
        }
        do {
            SocketWait.await(writer(), this, getTimeout(), "connecting");
        } while (!net().finishConnect(fd));
    }

    /** Whether the socket is connected. */
    public boolean isConnected() {
        if (!isNative()) {
            return channel().isConnected();
        }
        try {
            return !isClosed() && !NativeFd.gone(this) && net().remoteAddress(fd) != null;
        } catch (IOException e) {
            return false; // closed by another thread meanwhile
        }
    }

    /**
     * The address of the peer, or {@code null} if not connected. A socket of gevent4j's own
     * asks the kernel each time (it holds no address): once the peer has reset the connection
     * that may be {@code null}; {@link DetachedSocket#remoteAddress()} keeps what the accept found.
     */
    public SocketAddress getRemoteAddress() throws IOException {
        if (!isNative()) {
            return channel().getRemoteAddress();
        }
        ensureOpen();
        try {
            return net().remoteAddress(fd);
        } catch (IOException e) {
            throw NativeFd.failure(this, e);
        }
    }

    /**
     * Reads into {@code dst}, blocking the greenlet until at least one byte arrived.
     *
     * @return the number of bytes read, -1 at end of stream, 0 only if {@code dst} is full
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (unread != null && dst.hasRemaining()) {
            return takeUnread(dst);
        }
        int asked = dst.remaining();
        boolean wait = asked > 0 && takeDrained();
        int n;
        while (true) {
            if (wait) {
                Duration timeout = getTimeout();
                SocketWait.checkCanWait(reader, this, timeout, READING);
                if (!reader.await(timeout)) {
                    throw SocketWait.timedOut();
                }
            }
            n = isNative() ? NativeIo.read(this, dst) : channel().read(dst);
            if (n != 0 || !dst.hasRemaining()) {
                break;
            }
            wait = true;
        }
        drained = n > 0 && n < asked;
        return n;
    }

    /** Same as {@link #read}: gevent's {@code recv_into}. */
    public int recvInto(ByteBuffer dst) throws IOException {
        return read(dst);
    }

    /**
     * Reads at most {@code maxBytes}, blocking until at least one byte arrived.
     *
     * @return the bytes read, empty at end of stream
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public byte[] recv(int maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        ensureOpen();
        if (unread != null) {
            byte[] data = new byte[Math.min(maxBytes, unread.remaining())];
            takeUnread(ByteBuffer.wrap(data));
            return data;
        }
        boolean wait = takeDrained();
        while (true) {
            if (wait) {
                Duration timeout = getTimeout();
                SocketWait.checkCanWait(reader, this, timeout, READING);
                if (!reader.await(timeout)) {
                    throw SocketWait.timedOut();
                }
            }
            byte[] data = recvNow(maxBytes);
            if (data != null) {
                return data;
            }
            wait = true;
        }
    }

    /**
     * One read without waiting, through the hub's {@link RecvBuffer} (or, above its size, a
     * buffer of its own), so that no buffer is held while the greenlet waits for readiness
     * (an idle connection costs no read buffer) and only the bytes read are allocated.
     *
     * @return the bytes read, empty at end of stream, {@code null} if none were there
     */
    private byte[] recvNow(int maxBytes) throws IOException {
        byte[] data;
        if (maxBytes > RecvBuffer.SIZE) {
            data = recvLarge(maxBytes);
        } else if (isNative()) {
            data = NativeIo.recv(this, maxBytes);
        } else {
            ByteBuffer b = recvBuffer().take(maxBytes);
            int n = channel().read(b);
            data = n == 0 ? null : new byte[Math.max(n, 0)];
            if (data != null) {
                b.get(0, data);
            }
        }
        drained = data != null && data.length > 0 && data.length < maxBytes;
        return data;
    }

    /** {@link #recvNow} of more than the hub's buffer holds, into a buffer of its own. */
    private byte[] recvLarge(int maxBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(maxBytes);
        int n = isNative() ? NativeIo.read(this, b) : channel().read(b);
        if (n == 0) {
            return null;
        }
        return n < 0 ? new byte[0] : Arrays.copyOf(b.array(), n);
    }

    /** Moves what fits of {@link #unread} into {@code dst}; forgets it once empty. */
    private int takeUnread(ByteBuffer dst) {
        int taken = Math.min(dst.remaining(), unread.remaining());
        dst.put(unread.slice(unread.position(), taken));
        unread.position(unread.position() + taken);
        if (!unread.hasRemaining()) {
            unread = null;
        }
        return taken;
    }

    /**
     * Hands {@code bytes} (from position to limit) to the next reads, ahead of the channel's,
     * and wakes the greenlets waiting for the socket to be readable.
     */
    void unread(ByteBuffer bytes) {
        unread = bytes.hasRemaining() ? bytes : null;
        if (unread != null) {
            becameReady();
        }
    }

    /** How many bytes given back by {@link #unread(ByteBuffer)} wait to be read. */
    int pending() {
        return unread == null ? 0 : unread.remaining();
    }

    /** Whether waiting on this socket returns at once: it is closed, or bytes given back wait to be read. */
    @Override
    public boolean ready() {
        return super.ready() || unread != null;
    }

    /**
     * Whether the next read waits for readiness first, and forgets {@link #drained}: after
     * a read that did not fill its buffer the channel is most likely empty, so waiting beats
     * trying a read that would find nothing (unless the socket never waits, with a zero
     * timeout).
     */
    private boolean takeDrained() {
        boolean wait = drained && !Duration.ZERO.equals(getTimeout());
        drained = false;
        return wait;
    }

    /**
     * Writes from {@code src}, blocking the greenlet until at least one byte was written
     * (gevent's {@code send}).
     *
     * @return the number of bytes written, 0 only if {@code src} was empty
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int n;
        while ((n = writeSome(src)) == 0 && src.hasRemaining()) {
            awaitWritable();
        }
        return n;
    }

    /**
     * Writes all of {@code src}, blocking the greenlet while the peer does not read. The
     * socket's timeout bounds the whole call, however slowly the peer drains it (gevent's
     * {@code sendall}); on an exception {@code src}'s position tells how much was written.
     *
     * @throws java.net.SocketTimeoutException if the timeout passes before all is written
     */
    public void sendAll(ByteBuffer src) throws IOException {
        sendAllSince(src, System.nanoTime());
    }

    /** {@link #sendAll(ByteBuffer)} within what is left of the timeout counted from {@code startNanos}. */
    void sendAllSince(ByteBuffer src, long startNanos) throws IOException {
        ensureOpen();
        while (src.hasRemaining()) {
            if (writeSome(src) == 0) {
                awaitWritableSince(startNanos);
            }
        }
    }

    /**
     * One non-blocking write, of at most {@link #MAX_HEAP_WRITE} bytes from a heap buffer:
     * the JDK copies all that remains of a heap buffer into a direct one on every write, so
     * a large buffer drained slowly by the peer would be copied again and again.
     */
    private int writeSome(ByteBuffer src) throws IOException {
        if (isNative()) {
            if (outputShut) {
                throw new ClosedChannelException();
            }
            return NativeIo.write(this, src);
        }
        if (src.isDirect() || src.remaining() <= MAX_HEAP_WRITE) {
            return channel().write(src);
        }
        int limit = src.limit();
        src.limit(src.position() + MAX_HEAP_WRITE);
        try {
            return channel().write(src);
        } finally {
            src.limit(limit);
        }
    }

    /**
     * One write that never waits: what the kernel takes of {@code src} now, maybe nothing
     * (for a caller that waits with its own {@link #writableWatcher()}). From a greenlet of
     * the socket's hub or a loop callback of that hub.
     *
     * @return the number of bytes written, 0 if the socket's send buffer is full or
     *         {@code src} is empty
     */
    public int writeNow(ByteBuffer src) throws IOException {
        ensureOpen();
        return writeSome(src);
    }

    /**
     * A new, stopped watcher of this socket becoming writable, in its hub's loop, for a
     * caller that writes with {@link #writeNow} and waits with callbacks rather than in a
     * greenlet: start it after a write that took less than it was given. The caller owns it
     * and closes it before it closes the socket. Hub-thread only.
     */
    public Watcher writableWatcher() {
        hub().checkCurrent(this);
        return isNative() ? hub().loop().fdWatcher(fd, SelectionKey.OP_WRITE)
                : hub().loop().io(channel(), SelectionKey.OP_WRITE);
    }

    /** Writes all of {@code data}; see {@link #sendAll(ByteBuffer)}. */
    public void sendAll(byte[] data) throws IOException {
        sendAll(ByteBuffer.wrap(data));
    }

    /** Ends the reading half: further reads return end of stream. */
    public void shutdownInput() throws IOException {
        ensureOpen();
        if (isNative()) {
            net().shutdown(fd, Net.SHUT_RD);
        } else {
            channel().shutdownInput();
        }
    }

    /** Ends the writing half (half-close): the peer reads end of stream; this side can still read. */
    public void shutdownOutput() throws IOException {
        ensureOpen();
        if (isNative()) {
            net().shutdown(fd, Net.SHUT_WR);
            outputShut = true;
        } else {
            channel().shutdownOutput();
        }
    }

    /** Whether the socket is open. */
    @Override
    public boolean isOpen() {
        return !isClosed();
    }

    /**
     * The stream of bytes the peer sends (gevent's {@code makefile('rb')}), one per socket.
     * Its reads block the greenlet as {@link #read} does; closing it closes the socket, and
     * closing the socket closes it, as with {@link java.net.Socket} (gevent keeps a
     * {@code makefile} usable after the socket's close).
     */
    public InputStream getInputStream() {
        return streams().input();
    }

    /**
     * The stream of bytes sent to the peer (gevent's {@code makefile('wb')}), one per socket.
     * Each write returns once all its bytes are written, as {@link #sendAll}; closing it
     * closes the socket.
     */
    public OutputStream getOutputStream() {
        return streams().output();
    }

    private ChannelStreams streams() {
        if (streams == null) {
            streams = new ChannelStreams(this, this::pending, this::sendAll);
        }
        return streams;
    }

    @Override
    void onClose() {
        if (connecting != null) {
            SocketWait.close(connecting);
            connecting = null;
        }
    }
}
