package io.gevent4j.resolver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The UDP sockets that threads without a hub (platform threads that never used gevent4j,
 * the JDK's own virtual threads: what the JDK's {@code InetAddress} lookups run on) share
 * for their queries, one per name server, as {@link HubDnsSockets} does for each hub's
 * greenlets: a lookup does not open a socket and a selector of its own, and a thousand
 * threads resolving at once hold one descriptor. Queries are told apart by their id, random
 * and unique on the socket, and an answer must repeat its query's question (RFC 5452); the
 * socket is connected, so only the server's datagrams arrive, and an ICMP "port unreachable"
 * fails the queries in flight.
 *
 * <p><b>Spoofing resistance and idle sockets.</b> A socket takes no new query after
 * {@value HubDnsSockets#MAX_QUERIES_PER_SOCKET} (a fresh socket, on a fresh random port,
 * takes the next ones), and is closed once no query has waited on it for {@link #IDLE}: a
 * thread that resolves now and then gets a fresh port each time, one that resolves often
 * keeps one port for at most that many queries, as a busy hub does.
 *
 * <p><b>Threads.</b> Thread-safe. Each socket has a reader, a daemon platform thread
 * named {@code gevent4j-dns-reader}, that waits in a selector of its own for the answers
 * and hands each to the thread waiting for it; it closes the socket when it ends (a reader
 * that cannot start, for want of memory or of native threads, closes it at once and fails
 * the queries registered on it, so none waits out its deadline). Callers
 * block in {@link #exchange}; an interrupt ends only the interrupted caller's wait, with
 * {@link InterruptedIOException} (a thread interrupted before it sends sends nothing). The
 * socket is non-blocking, so an interrupt never closes it (a blocking NIO write would, and
 * fail every thread's queries with it); a query the socket's send buffer has no room for
 * is lost, as any datagram may be, and asked again after the timeout.
 */
final class ThreadDnsSockets {

    /** How long a socket stays open without a query waiting on it. */
    static final Duration IDLE = Duration.ofSeconds(1);
    private static final long IDLE_MILLIS = IDLE.toMillis();

    private final ConcurrentHashMap<InetSocketAddress, Shared> sockets = new ConcurrentHashMap<>();
    /** The sockets open now: those taking queries and those that no longer do but are not closed yet. */
    private final AtomicInteger open = new AtomicInteger();
    /** Starts each socket's reader. */
    private final Executor readers;

    /** Sockets whose readers are daemon platform threads. */
    ThreadDnsSockets() {
        this(reader -> Thread.ofPlatform().daemon().name("gevent4j-dns-reader").start(reader));
    }

    /** Sockets whose readers {@code readers} starts (a test's may fail as a thread that cannot start does). */
    ThreadDnsSockets(Executor readers) {
        this.readers = readers;
    }

    /**
     * Sends {@code questions} to {@code server} over the shared socket for it and blocks the
     * calling thread until each is answered or {@code deadline} ({@link System#nanoTime()})
     * passes; answers that match no query in flight, or not its question, are ignored.
     *
     * @return the answers, {@code null} where none came before the deadline
     * @throws SocketTimeoutException at the deadline if nothing arrived
     * @throws DnsMessage.MalformedException at the deadline if only rejected answers arrived
     * @throws java.net.PortUnreachableException if the server's port refused the datagrams
     * @throws IOException at once if the socket's reader thread cannot start
     * @throws InterruptedIOException if the thread is interrupted meanwhile (its interrupt status is set)
     */
    DnsMessage.Response[] exchange(InetSocketAddress server, DnsTransport.Question[] questions, long deadline)
            throws IOException {
        while (true) {
            Shared socket = sockets.get(server);
            if (socket == null) {
                Shared fresh = Shared.open(server, this);
                socket = sockets.putIfAbsent(server, fresh);
                if (socket == null) {
                    socket = fresh;
                    fresh.startReader();
                } else {
                    fresh.close();
                }
            }
            Exchange x = socket.register(questions);
            if (x != null) {
                return socket.exchange(x, deadline);
            }
            sockets.remove(server, socket);
        }
    }

    /** How many sockets are open now, over every server. */
    int openSockets() {
        return open.get();
    }

    /** The queries of one thread's exchange; guarded by its own monitor, which the thread waits on. */
    private static final class Exchange extends UdpExchange {

        Exchange(DnsTransport.Question[] questions) {
            super(questions);
        }

        @Override
        synchronized boolean offer(int i, byte[] message, int length) {
            return super.offer(i, message, length);
        }

        @Override
        synchronized void fail(IOException e) {
            super.fail(e);
        }

        /** Under the monitor (from offer or fail). */
        @Override
        void wake() {
            notifyAll();
        }

        /** Blocks until every query is answered, the exchange failed, or {@code deadline} passes. */
        synchronized DnsMessage.Response[] await(long deadline) throws IOException {
            long left;
            while (!over() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a DNS answer");
                }
            }
            return outcome();
        }
    }

    /** A query in flight: which exchange, and which of its questions. */
    private record InFlight(Exchange exchange, int index) {
    }

    /**
     * One socket to one server, non-blocking, and its reader's selector; {@code inFlight},
     * {@code carried} and {@code closed} guarded by its monitor.
     */
    private static final class Shared {
        private final InetSocketAddress server;
        private final ThreadDnsSockets owner;
        private final DatagramChannel channel;
        private final Selector selector;
        private final Map<Integer, InFlight> inFlight = new HashMap<>();
        private int carried;
        private boolean closed;

        private Shared(InetSocketAddress server, ThreadDnsSockets owner, DatagramChannel channel, Selector selector) {
            this.server = server;
            this.owner = owner;
            this.channel = channel;
            this.selector = selector;
        }

        /** A socket connected to {@code server}, counted as open; its reader not started yet. */
        static Shared open(InetSocketAddress server, ThreadDnsSockets owner) throws IOException {
            DatagramChannel ch = UdpExchange.openChannel(server);
            try {
                Selector selector = Selector.open();
                try {
                    ch.register(selector, SelectionKey.OP_READ);
                } catch (IOException | RuntimeException e) {
                    selector.close();
                    throw e;
                }
                owner.open.incrementAndGet();
                return new Shared(server, owner, ch, selector);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        /**
         * Starts the reader. If it cannot start, closes the socket, which then takes no query
         * and leaves the registry, and fails the queries other threads registered meanwhile.
         *
         * @throws IOException if the reader cannot start, with the reason as its cause
         */
        void startReader() throws IOException {
            try {
                owner.readers.execute(this::read);
            } catch (RuntimeException | Error e) { // OutOfMemoryError: unable to create native thread
                IOException failure = new IOException("cannot start the DNS socket's reader thread", e);
                close(); // first: a query registered after failAll's snapshot would wait out its deadline
                failAll(failure);
                throw failure;
            }
        }

        /** Gives each question an id free on this socket; {@code null} if the socket takes no more queries. */
        synchronized Exchange register(DnsTransport.Question[] questions) {
            if (closed || carried >= HubDnsSockets.MAX_QUERIES_PER_SOCKET) {
                return null;
            }
            Exchange x = new Exchange(questions);
            for (int i = 0; i < questions.length; i++) {
                int id;
                do {
                    id = DnsTransport.randomId();
                } while (inFlight.containsKey(id));
                x.ids[i] = id;
                inFlight.put(id, new InFlight(x, i));
                carried++;
            }
            return x;
        }

        DnsMessage.Response[] exchange(Exchange x, long deadline) throws IOException {
            try {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted before sending a DNS query");
                }
                try {
                    for (int i = 0; i < x.questions.length; i++) {
                        channel.write(ByteBuffer.wrap(x.questions[i].query(x.ids[i])));
                    }
                } catch (PortUnreachableException refused) { // the server's refusal of earlier datagrams
                    failAll(refused);
                }
                return x.await(deadline);
            } finally {
                forget(x);
            }
        }

        private synchronized void forget(Exchange x) {
            for (int id : x.ids) {
                InFlight f = inFlight.get(id);
                if (f != null && f.exchange() == x) {
                    inFlight.remove(id);
                }
            }
        }

        /**
         * The reader: hands each answer to the query with its id, until the socket is idle or
         * fails (the queries in flight then fail with it); closes it when it ends.
         */
        private void read() {
            ByteBuffer buffer = ByteBuffer.allocate(DnsTransport.MAX_UDP);
            try {
                while (true) {
                    if (selector.select(IDLE_MILLIS) == 0) {
                        if (closeIfIdle()) {
                            return;
                        }
                        continue;
                    }
                    selector.selectedKeys().clear();
                    try {
                        int n;
                        while ((n = channel.read(buffer.clear())) > 0) {
                            dispatch(buffer, n);
                        }
                    } catch (PortUnreachableException refused) {
                        failAll(refused);
                    }
                }
            } catch (IOException | RuntimeException e) {
                failAll(e instanceof IOException io ? io : new IOException("the DNS socket's reader failed", e));
            } finally {
                close();
            }
        }

        private synchronized void dispatch(ByteBuffer message, int length) {
            int id = DnsTransport.idOf(message, length);
            InFlight f = inFlight.get(id);
            if (f != null && f.exchange().offer(f.index(), message.array(), length)) {
                inFlight.remove(id);
            }
        }

        private void failAll(IOException e) {
            List<InFlight> all;
            synchronized (this) {
                all = new ArrayList<>(inFlight.values());
            }
            for (InFlight f : all) {
                f.exchange().fail(e);
            }
        }

        /** Closes the socket if no query waits on it (none can come then); says whether it did. */
        private boolean closeIfIdle() {
            synchronized (this) {
                if (!inFlight.isEmpty()) {
                    return false;
                }
                closed = true;
            }
            release();
            return true;
        }

        /** Takes no more queries, leaves the registry and closes the channel and the selector. Idempotent. */
        void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release();
        }

        /** Called once, by the reader as it ends or by the thread that opened a socket it did not use. */
        private void release() {
            owner.sockets.remove(server, this);
            owner.open.decrementAndGet();
            try (channel; selector) {
                // closed in reverse order, the selector first: it deregisters the channel, whose descriptor then closes at once
            } catch (IOException ignored) {
                // closing a selector or a datagram channel has nothing to flush: the descriptors are released regardless
            }
        }
    }
}
