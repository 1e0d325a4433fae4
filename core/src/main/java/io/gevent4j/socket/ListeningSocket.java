package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.internal.linux.Net;
import io.gevent4j.internal.linux.NetOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * A cooperative listening socket, TCP or UNIX-domain: a TCP socket of gevent4j's own over a
 * file descriptor where the hub's loop watches file descriptors, else a non-blocking
 * {@link ServerSocketChannel} registered in the hub's selector (see {@link AbstractSocket});
 * {@link #accept()} blocks the calling greenlet only.
 *
 * <pre>{@code
 * try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     while (true) {
 *         StreamSocket client = server.accept();
 *         Gevent.spawn(() -> serve(client));
 *     }
 * }
 * }</pre>
 *
 * <p>Accepted sockets belong to the same hub ({@link #acceptDetached()} takes a connection
 * to hand to another hub). TCP listening sockets get
 * {@code SO_REUSEADDR}, as gevent's servers do. Hub-thread only, see {@link AbstractSocket}.
 */
public final class ListeningSocket extends AbstractSocket {

    /** The backlog {@link #bind(SocketAddress)} uses, as gevent's servers. */
    public static final int DEFAULT_BACKLOG = 128;

    /** The channel, {@code null} for a socket of gevent4j's own. */
    private final ServerSocketChannel channel;

    private ListeningSocket(ServerSocketChannel channel) throws IOException {
        super(channel);
        this.channel = channel;
    }

    private ListeningSocket(Hub hub, int fd) throws IOException {
        super(hub, fd, SelectionKey.OP_ACCEPT);
        this.channel = null;
    }

    /** A socket listening on {@code local} (port 0: any free port) with the default backlog. */
    public static ListeningSocket bind(SocketAddress local) throws IOException {
        return bind(local, DEFAULT_BACKLOG);
    }

    /**
     * A socket listening on {@code local}: an {@link java.net.InetSocketAddress} (port 0: any
     * free port) or a {@link java.net.UnixDomainSocketAddress} (whose file must not exist).
     *
     * @throws IllegalArgumentException if {@code backlog} is not positive
     */
    public static ListeningSocket bind(SocketAddress local, int backlog) throws IOException {
        return bind(local, backlog, false);
    }

    /**
     * A TCP socket listening on {@code local} with {@code SO_REUSEPORT}: several sockets, each
     * bound this way by the same user, may listen on one address, and the kernel spreads the
     * incoming connections over them. Bind the first one with port 0 if any port will do, then
     * the others with the port it got ({@link #getLocalAddress()}).
     *
     * <p>Caveats. Linux (3.9 and later) balances by a hash of each connection's addresses and
     * ports, not by load: a few connections may land unevenly, and a socket whose greenlets are
     * busy keeps receiving its share. Connections waiting in one socket's backlog when that
     * socket closes are reset, not handed to the others. Any other process of the same user
     * may bind the same address this way and take a share of the connections. Other systems
     * accept the option with other meanings (BSD and macOS give the connections to one socket).
     *
     * @throws IllegalArgumentException if {@code backlog} is not positive
     * @throws UnsupportedOperationException if {@code local} is a UNIX-domain address, or the
     *         platform has no {@code SO_REUSEPORT}
     */
    public static ListeningSocket bindReusePort(SocketAddress local, int backlog) throws IOException {
        if (StreamSocket.familyOf(local) == StandardProtocolFamily.UNIX) {
            throw new UnsupportedOperationException("SO_REUSEPORT needs a TCP address, not " + local);
        }
        return bind(local, backlog, true);
    }

    private static ListeningSocket bind(SocketAddress local, int backlog, boolean reusePort) throws IOException {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        var family = StreamSocket.familyOf(local);
        if (family != StandardProtocolFamily.UNIX && nativeHere()) {
            return bindNative((InetSocketAddress) local, backlog, reusePort);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(family);
        try {
            if (family != StandardProtocolFamily.UNIX) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (reusePort) {
                if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new UnsupportedOperationException("this platform has no SO_REUSEPORT");
                }
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(local, backlog);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
        return new ListeningSocket(ch);
    }

    private static ListeningSocket bindNative(InetSocketAddress local, int backlog, boolean reusePort)
            throws IOException {
        Hub hub = Hub.current();
        Net net = RecvBuffer.of(hub).net();
        int fd = net.socket(StreamSocket.familyOf(local) == StandardProtocolFamily.INET6);
        ListeningSocket s = new ListeningSocket(hub, fd);
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            net.bind(fd, local);
            net.listen(fd, backlog);
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    @Override
    Set<SocketOption<?>> nativeOptions() {
        return NetOptions.LISTENING;
    }

    /**
     * Accepts a connection, blocking the greenlet until one arrives.
     *
     * @throws java.net.SocketTimeoutException if the socket's timeout passes first
     * @throws java.nio.channels.AsynchronousCloseException if the socket is closed meanwhile
     */
    public StreamSocket accept() throws IOException {
        return isNative() ? new StreamSocket(hub(), acceptFd()) : new StreamSocket(acceptChannel());
    }

    /**
     * Accepts a connection as {@link #accept()} does, but owned by no hub yet, to hand to
     * another hub (or this one), which makes it a socket of its own with
     * {@link StreamSocket#adopt(DetachedSocket)}; it knows the peer's address as the accept
     * found it ({@link DetachedSocket#remoteAddress()}). The caller owns it and must close it
     * if it cannot hand it on.
     *
     * @throws java.net.SocketTimeoutException if the socket's timeout passes first
     * @throws java.nio.channels.AsynchronousCloseException if the socket is closed meanwhile
     */
    public DetachedSocket acceptDetached() throws IOException {
        if (!isNative()) {
            return DetachedSocket.of(acceptChannel());
        }
        int fd = acceptFd();
        return DetachedSocket.ofFd(fd, net().acceptedPeer());
    }

    /**
     * Accepts a connection as {@link #accept()} does, but returns its bare channel, registered
     * nowhere, to hand to another hub, which makes it a socket of its own with
     * {@link StreamSocket#adopt(SocketChannel)}. The caller owns the channel and must close
     * it if it cannot hand it on. {@link #acceptDetached()} does the same for every kind of
     * listening socket.
     *
     * @throws UnsupportedOperationException if this is a socket of gevent4j's own, which
     *         accepts no JDK channels
     * @throws java.net.SocketTimeoutException if the socket's timeout passes first
     * @throws java.nio.channels.AsynchronousCloseException if the socket is closed meanwhile
     */
    public SocketChannel acceptChannel() throws IOException {
        if (isNative()) {
            throw new UnsupportedOperationException(this + " is gevent4j's own socket and accepts file descriptors, "
                    + "not JDK channels: use acceptDetached(), or run with -Dgevent4j.loop=selector");
        }
        ensureOpen();
        SocketChannel c;
        while ((c = channel.accept()) == null) {
            awaitReadable();
        }
        return c;
    }

    /** Accepts on a socket of gevent4j's own: tries first, waits only when nothing was there. */
    private int acceptFd() throws IOException {
        ensureOpen();
        int fd;
        while (true) {
            try {
                fd = net().accept(this.fd);
            } catch (IOException e) {
                throw NativeFd.failure(this, e);
            }
            if (fd >= 0) {
                return fd;
            }
            awaitReadable();
        }
    }
}
