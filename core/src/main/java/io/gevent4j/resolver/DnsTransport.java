package io.gevent4j.resolver;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;

/**
 * What DNS over UDP and TCP (RFC 1035 4.2) share: the questions, the query ids and the limit
 * on a datagram's size; and one exchange over TCP, on a channel of its own that a
 * {@link Readiness} connects, writes and reads, closed whatever ends the exchange. UDP
 * queries go over shared sockets: each hub's ({@link HubDnsSockets}) or those of threads
 * without a hub ({@link ThreadDnsSockets}).
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
            readiness.connect(ch, server, deadline);
            ByteBuffer out = ByteBuffer.allocate(2 + query.length);
            readiness.write(ch, out.putShort((short) query.length).put(query).flip(), deadline);
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
            if (readiness.read(ch, buf, deadline) < 0) {
                throw new EOFException("server closed the TCP connection after " + buf.position() + " of "
                        + buf.capacity() + " bytes");
            }
        }
    }
}
