package io.gevent4j.socket;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A cooperative listening socket, TCP or UNIX-domain, over a non-blocking
 * {@link ServerSocketChannel} registered in the hub's selector; {@link #accept()} blocks
 * the calling greenlet only.
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
 * <p>Accepted sockets belong to the same hub. TCP listening sockets get
 * {@code SO_REUSEADDR}, as gevent's servers do. Hub-thread only, see {@link AbstractSocket}.
 */
public final class ListeningSocket extends AbstractSocket {

    /** The backlog {@link #bind(SocketAddress)} uses, as gevent's servers. */
    public static final int DEFAULT_BACKLOG = 128;

    private final ServerSocketChannel channel;

    private ListeningSocket(ServerSocketChannel channel) throws IOException {
        super(channel, SelectionKey.OP_ACCEPT, 0);
        this.channel = channel;
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
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        var family = StreamSocket.familyOf(local);
        ServerSocketChannel ch = ServerSocketChannel.open(family);
        try {
            if (family != StandardProtocolFamily.UNIX) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            ch.bind(local, backlog);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
        return new ListeningSocket(ch);
    }

    /**
     * Accepts a connection, blocking the greenlet until one arrives.
     *
     * @throws java.net.SocketTimeoutException if the socket's timeout passes first
     * @throws java.nio.channels.AsynchronousCloseException if the socket is closed meanwhile
     */
    public StreamSocket accept() throws IOException {
        ensureOpen();
        SocketChannel c;
        while ((c = channel.accept()) == null) {
            awaitReadable();
        }
        try {
            return new StreamSocket(c);
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }
}
