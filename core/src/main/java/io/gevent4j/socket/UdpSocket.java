package io.gevent4j.socket;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

/**
 * A cooperative UDP socket (gevent's {@code socket} with {@code SOCK_DGRAM}) over a
 * non-blocking {@link DatagramChannel} registered in the hub's selector.
 *
 * <p>{@link #receive} blocks the greenlet until a datagram arrives, {@link #send} until
 * the datagram is sent; each wait honours the socket's {@linkplain #setTimeout timeout}
 * and can be interrupted by a {@code Timeout} or a kill without harming the socket. A
 * datagram larger than the buffer is truncated, as with {@link DatagramChannel}; a
 * zero-length datagram is received as one, with no bytes (only an unconnected socket can
 * send one: see {@link #write}).
 * Hub-thread only, see {@link AbstractSocket}.
 */
public final class UdpSocket extends AbstractSocket {

    private final DatagramChannel channel;

    private UdpSocket(DatagramChannel channel) throws IOException {
        super(channel);
        this.channel = channel;
    }

    /** An unbound UDP socket (IPv6 where the platform has it, accepting IPv4 too). */
    public static UdpSocket open() throws IOException {
        return new UdpSocket(DatagramChannel.open());
    }

    /** An unbound UDP socket of {@code family} ({@link java.net.StandardProtocolFamily#INET} or {@code INET6}). */
    public static UdpSocket open(ProtocolFamily family) throws IOException {
        return new UdpSocket(DatagramChannel.open(Objects.requireNonNull(family, "family")));
    }

    /** Binds to {@code local} (port 0: any free port); returns this socket. */
    public UdpSocket bind(SocketAddress local) throws IOException {
        bindChannel(local);
        return this;
    }

    /** Makes {@code remote} the only peer: {@link #read} and {@link #write} then work; returns this socket. */
    public UdpSocket connect(SocketAddress remote) throws IOException {
        ensureOpen();
        channel.connect(Objects.requireNonNull(remote, "remote"));
        return this;
    }

    /** Whether the socket is connected to one peer. */
    public boolean isConnected() {
        return channel.isConnected();
    }

    /** The peer given to {@link #connect}, or {@code null}. */
    public SocketAddress getRemoteAddress() throws IOException {
        return channel.getRemoteAddress();
    }

    /**
     * Receives one datagram into {@code dst}, blocking the greenlet until one arrives
     * (gevent's {@code recvfrom_into}).
     *
     * @return the sender's address
     */
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        ensureOpen();
        SocketAddress from;
        while ((from = channel.receive(dst)) == null) {
            awaitReadable();
        }
        return from;
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code target}, blocking
     * the greenlet while the socket's send buffer is full (gevent's {@code sendto}).
     *
     * @return the number of bytes sent
     */
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        ensureOpen();
        Objects.requireNonNull(target, "target");
        int n;
        while ((n = channel.send(src, target)) == 0 && src.hasRemaining()) {
            awaitWritable();
        }
        return n;
    }

    /**
     * Receives one datagram from the connected peer, blocking the greenlet until one arrives;
     * a zero-length datagram is one too.
     *
     * @return the number of bytes received: 0 for an empty datagram
     * @throws java.nio.channels.NotYetConnectedException if not connected
     */
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (!channel.isConnected()) {
            throw new java.nio.channels.NotYetConnectedException();
        }
        int start = dst.position();
        receive(dst);
        return dst.position() - start;
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to the connected peer. An
     * empty {@code src} sends nothing: the JDK's connected {@link DatagramChannel} does not
     * send zero-length datagrams, so send one with {@link #send} from an unconnected socket.
     *
     * @return the number of bytes sent
     * @throws java.nio.channels.NotYetConnectedException if not connected
     */
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int n;
        while ((n = channel.write(src)) == 0 && src.hasRemaining()) {
            awaitWritable();
        }
        return n;
    }
}
