package io.gevent4j.server;

import io.gevent4j.pool.Group;
import io.gevent4j.socket.AbstractSocket;
import io.gevent4j.socket.UdpSocket;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A UDP server that runs a handler in a greenlet of its own for each datagram (gevent's
 * {@code DatagramServer}); handlers answer with {@link #sendTo}.
 *
 * <pre>{@code
 * DatagramServer[] server = new DatagramServer[1];
 * server[0] = new DatagramServer(new InetSocketAddress("127.0.0.1", 9000),
 *         (data, from) -> server[0].sendTo(data, from));
 * server[0].serveForever();
 * }</pre>
 *
 * <p>The receiver greenlet receives each datagram (up to {@link #MAX_DATAGRAM} bytes; a
 * longer one is truncated) into a buffer of its own that the handler may keep. The
 * lifecycle, the limit on concurrent handlers, error handling and threading are
 * {@link BaseServer}'s: receiving runs in the receiver greenlet, each handler in its own
 * greenlet, {@link #sendTo} in its caller, all on the server's hub.
 */
public final class DatagramServer extends BaseServer<DatagramServer> {

    /** The largest UDP payload over IPv4: longer datagrams cannot arrive. */
    public static final int MAX_DATAGRAM = 65_507;

    /** Handles one datagram, in a greenlet of its own. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles {@code data} (positioned at its first byte, its remaining bytes the
         * datagram) sent from {@code address}. Whatever escapes is reported with the address.
         */
        void handle(ByteBuffer data, SocketAddress address) throws Exception;
    }

    private final SocketAddress requested;
    private final Handler handler;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private UdpSocket socket;
    private SocketAddress bound;

    /** A server that will receive on {@code address} (port 0 for any free port) once started. */
    public DatagramServer(SocketAddress address, Handler handler) {
        this.requested = Objects.requireNonNull(address, "address");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code address} from the
     * server's socket, blocking the caller while the socket's send buffer is full.
     *
     * @throws IllegalStateException if the server was never started
     * @throws java.nio.channels.ClosedChannelException if it was closed
     */
    public void sendTo(ByteBuffer data, SocketAddress address) throws IOException {
        hub.checkCurrent(this);
        if (socket == null) {
            throw new IllegalStateException(this + " has no socket before it starts");
        }
        socket.send(data, address);
    }

    @Override
    public SocketAddress address() {
        return bound != null ? bound : requested;
    }

    @Override
    void open() throws IOException {
        UdpSocket s = requested instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address
                ? UdpSocket.open(StandardProtocolFamily.INET)
                : UdpSocket.open();
        try {
            s.bind(requested);
            bound = s.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        socket = s;
    }

    @Override
    AbstractSocket socket() {
        return socket;
    }

    @Override
    void serveNext(Group handlers) throws IOException {
        receiveBuffer.clear();
        SocketAddress from = socket.receive(receiveBuffer);
        receiveBuffer.flip();
        ByteBuffer data = ByteBuffer.allocate(receiveBuffer.remaining()).put(receiveBuffer).flip();
        spawnHandler(handlers, from, () -> handler.handle(data, from), null);
    }
}
