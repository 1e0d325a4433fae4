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
import java.security.SecureRandom;

/**
 * One DNS exchange with one server over UDP or TCP (RFC 1035 4.2), on non-blocking
 * channels that a {@link Readiness} waits on. Each exchange opens and closes its own
 * channel (one for all the queries of a UDP exchange), so nothing is left registered or
 * open whatever ends it. Greenlets share one UDP socket per hub and server instead
 * ({@link HubDnsSockets}); threads without a hub, and every TCP exchange, come here.
 */
final class DnsTransport {

    static final int MAX_UDP = 65_535;
    /** Unpredictable query ids, so that an off-path spoofer must guess them (RFC 5452). */
    private static final SecureRandom QUERY_IDS = new SecureRandom();

    /**
     * What one query asks: the records of {@code type} for {@code name}, with an EDNS0 OPT
     * record or without.
     */
    record Question(String name, int type, boolean edns) {

        /** The query message with {@code id}. */
        byte[] query(int id) {
            return DnsMessage.query(id, name, type, edns);
        }

        /**
         * Parses {@code message} and checks that it answers this question asked with
         * {@code id}: a response, with that id, repeating the question.
         *
         * @throws DnsMessage.MalformedException if it is malformed or answers something else
         */
        DnsMessage.Response answer(byte[] message, int length, int id) throws DnsMessage.MalformedException {
            DnsMessage.Response r = DnsMessage.parse(message, length);
            if (!r.isResponse() || r.id() != id) {
                throw new DnsMessage.MalformedException("not a response to this query");
            }
            if (r.qname() == null || !r.qname().equals(name) || r.qtype() != type) {
                throw new DnsMessage.MalformedException("answer to another question: " + r.qname() + " type " + r.qtype());
            }
            return r;
        }
    }

    private DnsTransport() {
    }

    /** A random query id. */
    static int randomId() {
        return QUERY_IDS.nextInt(1 << 16);
    }

    /** The id of a DNS message (its first two bytes), or -1 if it is shorter. */
    static int idOf(ByteBuffer message, int length) {
        return length >= 2 ? (message.get(0) & 0xff) << 8 | (message.get(1) & 0xff) : -1;
    }

    /**
     * Sends {@code questions} over one UDP channel (A and AAAA together, as the C library
     * does), each with a random id of its own, and returns, for each, the first answer that
     * repeats it, once every question is answered or the deadline passes. The channel is
     * connected, so only datagrams from the server's address and port arrive; among those,
     * one with an unknown id, malformed or answering another question (late, stale or
     * spoofed) is ignored and the wait goes on, as the C library does.
     *
     * @return the answers, {@code null} where none came before the deadline
     * @throws java.net.SocketTimeoutException at the deadline if nothing arrived
     * @throws DnsMessage.MalformedException at the deadline if only rejected answers arrived
     * @throws PortUnreachableException if the server's port refused the datagrams
     */
    static DnsMessage.Response[] udp(InetSocketAddress server, Question[] questions, long deadline,
                                     Readiness readiness) throws IOException {
        StandardProtocolFamily family = server.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DnsMessage.Response[] answers = new DnsMessage.Response[questions.length];
        int[] ids = distinctIds(questions.length);
        try (DatagramChannel ch = DatagramChannel.open(family)) {
            ch.configureBlocking(false);
            ch.connect(server);
            for (int i = 0; i < questions.length; i++) {
                ch.write(ByteBuffer.wrap(questions[i].query(ids[i])));
            }
            ByteBuffer buf = ByteBuffer.allocate(MAX_UDP);
            DnsMessage.MalformedException rejected = null;
            int missing = questions.length;
            while (missing > 0) {
                try {
                    readiness.await(ch, SelectionKey.OP_READ, deadline);
                } catch (SocketTimeoutException e) {
                    if (missing < questions.length) {
                        return answers;
                    }
                    throw rejected != null ? rejected : e;
                }
                buf.clear();
                int n = ch.read(buf);
                int i = waitingFor(ids, answers, idOf(buf, n));
                if (i >= 0) {
                    try {
                        answers[i] = questions[i].answer(buf.array(), n, ids[i]);
                        missing--;
                    } catch (DnsMessage.MalformedException e) {
                        rejected = e;
                    }
                }
            }
            return answers;
        }
    }

    /** {@code n} random ids, no two alike. */
    private static int[] distinctIds(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            int id;
            do {
                id = randomId();
            } while (indexOf(ids, i, id) >= 0);
            ids[i] = id;
        }
        return ids;
    }

    private static int indexOf(int[] ids, int count, int id) {
        for (int i = 0; i < count; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the unanswered query with {@code id}, or -1. */
    private static int waitingFor(int[] ids, DnsMessage.Response[] answers, int id) {
        int i = indexOf(ids, ids.length, id);
        return i >= 0 && answers[i] == null ? i : -1;
    }

    /**
     * Sends {@code question} over TCP (two-byte length prefix) with a random id and reads one
     * answer, which must repeat it.
     *
     * @throws java.net.SocketTimeoutException at the deadline
     * @throws EOFException if the server closes before a whole answer arrived
     * @throws DnsMessage.MalformedException if the answer is malformed or answers another query
     */
    static DnsMessage.Response tcp(InetSocketAddress server, Question question, long deadline, Readiness readiness)
            throws IOException {
        int id = randomId();
        byte[] query = question.query(id);
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
            return question.answer(answer.array(), answer.capacity(), id);
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
