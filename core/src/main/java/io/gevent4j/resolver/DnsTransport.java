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
 * channel (one for all the queries of a UDP exchange), so nothing is left registered or
 * open whatever ends it.
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
     * Sends {@code queries} over one UDP channel (A and AAAA together, as the C library does)
     * and returns, for each, the first answer its matcher accepts, once every query is
     * answered or the deadline passes. The channel is connected, so only datagrams from the
     * server's address and port arrive; among those, one with an unknown id, malformed or
     * answering another question (late, stale or spoofed) is ignored and the wait goes on,
     * as the C library does.
     *
     * @return the answers, {@code null} where none came before the deadline
     * @throws java.net.SocketTimeoutException at the deadline if nothing arrived
     * @throws DnsMessage.MalformedException at the deadline if only rejected answers arrived
     * @throws PortUnreachableException if the server's port refused the datagrams
     */
    static DnsMessage.Response[] udp(InetSocketAddress server, byte[][] queries, long deadline, Readiness readiness,
                                     Matcher[] matchers) throws IOException {
        StandardProtocolFamily family = server.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DnsMessage.Response[] answers = new DnsMessage.Response[queries.length];
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.configureBlocking(false);
            ch.connect(server);
            for (byte[] query : queries) {
                ch.write(ByteBuffer.wrap(query));
            }
            ByteBuffer buf = ByteBuffer.allocate(MAX_UDP);
            DnsMessage.MalformedException rejected = null;
            int missing = queries.length;
            while (missing > 0) {
                try {
                    readiness.await(ch, SelectionKey.OP_READ, deadline);
                } catch (SocketTimeoutException e) {
                    if (missing < queries.length) {
                        return answers;
                    }
                    throw rejected != null ? rejected : e;
                }
                buf.clear();
                int n = ch.read(buf);
                int i = n >= 2 ? waitingFor(queries, answers, (buf.get(0) & 0xff) << 8 | (buf.get(1) & 0xff)) : -1;
                if (i >= 0) {
                    byte[] message = new byte[n];
                    buf.flip().get(message);
                    try {
                        answers[i] = matchers[i].match(message);
                        missing--;
                    } catch (DnsMessage.MalformedException e) {
                        rejected = e;
                    }
                }
            }
            return answers;
        }
    }

    /** The index of the unanswered query with {@code id}, or -1. */
    private static int waitingFor(byte[][] queries, DnsMessage.Response[] answers, int id) {
        for (int i = 0; i < queries.length; i++) {
            if (answers[i] == null && ((queries[i][0] & 0xff) << 8 | (queries[i][1] & 0xff)) == id) {
                return i;
            }
        }
        return -1;
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
