package io.gevent4j.resolver;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
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

    /** Parses a message and checks that it answers the query; throws for one that does not. */
    @FunctionalInterface
    interface Matcher {
        DnsMessage.Response match(byte[] message) throws DnsMessage.MalformedException;
    }

    private DnsTransport() {
    }

    /**
     * Sends {@code query} over UDP and returns the first answer {@code matcher} accepts.
     * The channel is connected, so only datagrams from the server's address and port
     * arrive; among those, one with another id, malformed or answering another question
     * (late, stale or spoofed) is ignored and the wait goes on, as the C library does.
     *
     * @throws java.net.SocketTimeoutException at the deadline if nothing arrived
     * @throws DnsMessage.MalformedException at the deadline if only rejected answers arrived
     * @throws PortUnreachableException if the server's port refused the datagram
     */
    static DnsMessage.Response udp(InetSocketAddress server, byte[] query, long deadline, Readiness readiness,
                                   Matcher matcher) throws IOException {
        int id = (query[0] & 0xff) << 8 | (query[1] & 0xff);
        StandardProtocolFamily family = server.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.configureBlocking(false);
            ch.connect(server);
            ch.write(ByteBuffer.wrap(query));
            ByteBuffer buf = ByteBuffer.allocate(MAX_UDP);
            DnsMessage.MalformedException rejected = null;
            while (true) {
                try {
                    readiness.await(ch, SelectionKey.OP_READ, deadline);
                } catch (SocketTimeoutException e) {
                    throw rejected != null ? rejected : e;
                }
                buf.clear();
                int n = ch.read(buf);
                if (n >= 2 && ((buf.get(0) & 0xff) << 8 | (buf.get(1) & 0xff)) == id) {
                    byte[] message = new byte[n];
                    buf.flip().get(message);
                    try {
                        return matcher.match(message);
                    } catch (DnsMessage.MalformedException e) {
                        rejected = e;
                    }
                }
            }
        }
    }

    /**
     * Sends {@code query} over TCP (two-byte length prefix) and reads one answer, which
     * {@code matcher} must accept.
     *
     * @throws java.net.SocketTimeoutException at the deadline
     * @throws EOFException if the server closes before a whole answer arrived
     * @throws DnsMessage.MalformedException if the answer is malformed or answers another query
     */
    static DnsMessage.Response tcp(InetSocketAddress server, byte[] query, long deadline, Readiness readiness,
                                   Matcher matcher) throws IOException {
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
            return matcher.match(answer.array());
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
