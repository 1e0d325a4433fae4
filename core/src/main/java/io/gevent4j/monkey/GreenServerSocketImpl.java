package io.gevent4j.monkey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link SocketImpl} of every {@link java.net.ServerSocket} once
 * {@link Monkey#patchSocket()} ran: a non-blocking {@link ServerSocketChannel} whose
 * {@code accept} blocks only the calling greenlet (on its hub's selector), or blocks any
 * other thread as the JDK's does. The accepted connection becomes a {@link GreenSocketImpl}.
 * {@code SO_TIMEOUT} limits each accept ({@link java.net.SocketTimeoutException} "Accept
 * timed out"); one thread accepts at a time; a close from any thread wakes a blocked accept
 * with {@code SocketException("Socket closed")}.
 */
final class GreenServerSocketImpl extends ChannelSocketImpl {

    private final ReentrantLock acceptLock = new ReentrantLock();
    private ServerSocketChannel channel;
    private DirectionWait accepting;
    private InetSocketAddress bindAddress;

    @Override
    protected void create(boolean stream) throws IOException {
        requireStream(stream);
        channel = nonBlocking(ServerSocketChannel.open());
        accepting = DirectionWait.reading(this::close, channel);
    }

    /** Records the address: a channel binds and listens in one call, made by {@link #listen}, which {@code ServerSocket.bind} calls next. */
    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        ensureOpen();
        bindAddress = new InetSocketAddress(host, port);
        address = host;
        localport = port;
    }

    @Override
    protected void listen(int backlog) throws IOException {
        ensureOpen();
        if (bindAddress == null) {
            throw new SocketException("listen before bind");
        }
        channel.bind(bindAddress, backlog < 1 ? 50 : backlog);
        localport = localPort(channel);
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        if (!(s instanceof GreenSocketImpl target)) {
            throw new SocketException("a patched server socket accepts into a patched socket only, not "
                    + s.getClass().getName());
        }
        holding(acceptLock, (b, off, len) -> acceptHolding(target), NO_BYTES, 0, 0);
    }

    /** {@link #accept} holding the accept lock: waits for a connection and makes {@code target} it. */
    private int acceptHolding(GreenSocketImpl target) throws IOException {
        long deadline = timeoutDeadline();
        SocketChannel accepted;
        while ((accepted = channel.accept()) == null) {
            accepting.await(deadline, "Accept timed out");
        }
        try {
            target.accepted(accepted);
        } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
        }
        return 0;
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        throw new SocketException("a server socket cannot connect");
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        throw new SocketException("a server socket cannot connect");
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        throw new SocketException("a server socket cannot connect");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        throw new SocketException("a server socket has no input stream");
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        throw new SocketException("a server socket has no output stream");
    }

    @Override
    protected int available() throws IOException {
        return 0;
    }

    @Override
    NetworkChannel channel() {
        return channel;
    }

    @Override
    void release() throws IOException {
        closeAll(channel, accepting);
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("a server socket sends no data");
    }
}
