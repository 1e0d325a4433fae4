package io.gevent4j.resolver;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One DNS exchange with one server over UDP or TCP (RFC 1035 4.2), on non-blocking
 * channels that a {@link Readiness} waits on. Each exchange opens and closes its own
 * channel, so nothing is left registered or open whatever ends it.
 */
final class DnsTransport {

    private static final int MAX_UDP = 65_535;

    private DnsTransport() {
    }

    /**
     * Sends {@code query} over UDP and returns the first datagram whose id matches
     * ({@code id}); datagrams with another id are dropped, as late answers to an earlier
     * try may arrive.
     *
     * @throws java.net.SocketTimeoutException at the deadline
     * @throws PortUnreachableException if the server's port refused the datagram
     */
    static byte[] udp(InetSocketAddress server, byte[] query, int id, long deadline, Readiness readiness)
            throws IOException {
        StandardProtocolFamily family = server.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.configureBlocking(false);
            ch.connect(server);
            ch.write(ByteBuffer.wrap(query));
            ByteBuffer buf = ByteBuffer.allocate(MAX_UDP);
            while (true) {
                readiness.await(ch, SelectionKey.OP_READ, deadline);
                buf.clear();
                int n = ch.read(buf);
                if (n >= 2 && ((buf.get(0) & 0xff) << 8 | (buf.get(1) & 0xff)) == id) {
                    byte[] out = new byte[n];
                    buf.flip().get(out);
                    return out;
                }
            }
        }
    }

    /**
     * Sends {@code query} over TCP (two-byte length prefix) and reads one answer.
     *
     * @throws java.net.SocketTimeoutException at the deadline
     * @throws EOFException if the server closes before a whole answer arrived
     */
    static byte[] tcp(InetSocketAddress server, byte[] query, long deadline, Readiness readiness) throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            if (!ch.connect(server)) {
                readiness.await(ch, SelectionKey.OP_CONNECT, deadline);
                ch.finishConnect();
            }
            ByteBuffer out = ByteBuffer.allocate(2 + query.length);
            out.putShort((short) query.length).put(query).flip();
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    readiness.await(ch, SelectionKey.OP_WRITE, deadline);
                }
            }
            ByteBuffer len = ByteBuffer.allocate(2);
            readFully(ch, len, deadline, readiness);
            ByteBuffer answer = ByteBuffer.allocate(len.flip().getShort() & 0xffff);
            readFully(ch, answer, deadline, readiness);
            return answer.array();
        }
    }

    private static void readFully(SocketChannel ch, ByteBuffer buf, long deadline, Readiness readiness)
            throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                throw new EOFException("server closed the TCP connection after " + buf.position() + " of "
                        + buf.capacity() + " bytes");
            }
            if (n == 0) {
                readiness.await(ch, SelectionKey.OP_READ, deadline);
            }
        }
    }
}
