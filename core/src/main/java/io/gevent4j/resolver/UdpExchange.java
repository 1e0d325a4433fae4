package io.gevent4j.resolver;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * The queries one lookup sends together over a shared UDP socket ({@link HubDnsSockets},
 * {@link ThreadDnsSockets}): their questions, their ids on that socket, and the answers taken
 * so far. A subclass says how the waiting caller is woken once every query is answered or
 * the exchange failed; its thread rules are the subclass's.
 */
abstract class UdpExchange {

    /**
     * The receive buffer a shared socket asks for (the kernel caps it, at
     * {@code net.core.rmem_max} on Linux): answers to many queries may arrive at once.
     */
    private static final int RECEIVE_BUFFER = 1 << 20;

    final DnsTransport.Question[] questions;
    final int[] ids;
    private final DnsMessage.Response[] answers;
    private int missing;
    private DnsMessage.MalformedException rejected;
    private IOException failure;

    /**
     * A non-blocking UDP socket connected to {@code server}, of its address family, with a
     * large receive buffer: what {@link HubDnsSockets} and {@link ThreadDnsSockets} share
     * queries over. Closed again if setting it up fails.
     */
    static DatagramChannel openChannel(InetSocketAddress server) throws IOException {
        DatagramChannel ch = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
            ch.connect(server);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    UdpExchange(DnsTransport.Question[] questions) {
        this.questions = questions;
        this.ids = new int[questions.length];
        this.answers = new DnsMessage.Response[questions.length];
        this.missing = questions.length;
    }

    /** Wakes the caller waiting for the exchange: every query is answered, or it failed. */
    abstract void wake();

    /**
     * Takes {@code message} as the answer to query {@code i} if it repeats its question, and
     * says whether it did; wakes the caller once every query is answered.
     */
    boolean offer(int i, byte[] message, int length) {
        try {
            answers[i] = questions[i].answer(message, length, ids[i]);
        } catch (DnsMessage.MalformedException e) {
            rejected = e;
            return false;
        }
        if (--missing == 0) {
            wake();
        }
        return true;
    }

    /** Ends the exchange with {@code e} (the server refused the datagrams) and wakes the caller. */
    void fail(IOException e) {
        failure = e;
        wake();
    }

    /** Whether the caller has nothing more to wait for. */
    boolean over() {
        return missing == 0 || failure != null;
    }

    /**
     * What the caller gets once it stops waiting: the answers, {@code null} where none came.
     *
     * @throws IOException the failure, if the exchange failed
     * @throws SocketTimeoutException if no query was answered
     * @throws DnsMessage.MalformedException if none was, but an answer was rejected
     */
    DnsMessage.Response[] outcome() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (missing == questions.length) {
            throw rejected != null ? rejected : new SocketTimeoutException("timed out");
        }
        return answers;
    }
}
