package io.gevent4j.resolver;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWatcher;
import io.gevent4j.hub.Waiter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The UDP sockets the greenlets of each hub share for their queries, one per hub and name
 * server: thousands of lookups at once hold one file descriptor, not one each. Queries in
 * flight on a socket are told apart by their id, random and unique on that socket, and an
 * answer must also repeat its query's question (RFC 5452); the socket is connected, so only
 * the server's datagrams arrive, and an ICMP "port unreachable" fails the queries in flight.
 * Answers beyond what the socket's receive buffer holds are lost, as with any UDP resolver,
 * and their queries asked again after the timeout.
 *
 * <p><b>Spoofing resistance.</b> Each socket's local port is the kernel's random ephemeral
 * port. A socket is closed as soon as no query waits on it, and takes no new query after
 * {@value #MAX_QUERIES_PER_SOCKET} (a fresh socket, on a fresh port, takes the next ones), so
 * an off-path spoofer must guess a port as well as a 16-bit id, and a busy server's port
 * still changes.
 *
 * <p><b>Threads.</b> {@link #exchange} is called by greenlets, each on its own hub; a socket
 * is only ever touched on its hub's thread. Thread-safe.
 */
final class HubDnsSockets {

    /** How many queries one socket carries before a new one takes the next. */
    static final int MAX_QUERIES_PER_SOCKET = 1024;

    /** Where a socket sends: one hub's queries to one server. */
    private record Route(Hub hub, InetSocketAddress server) {
    }

    private final ConcurrentHashMap<Route, Shared> sockets = new ConcurrentHashMap<>();
    /** The sockets open now: those taking queries and those that no longer do but still have some waiting. */
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Sends {@code questions} to {@code server} over the current hub's socket for it and
     * blocks the greenlet until each is answered or {@code deadline} ({@link System#nanoTime()})
     * passes; answers that match no query in flight, or not its question, are ignored.
     *
     * @return the answers, {@code null} where none came before the deadline
     * @throws SocketTimeoutException at the deadline if nothing arrived
     * @throws DnsMessage.MalformedException at the deadline if only rejected answers arrived
     * @throws java.net.PortUnreachableException if the server's port refused the datagrams
     */
    DnsMessage.Response[] exchange(Hub hub, InetSocketAddress server, DnsTransport.Question[] questions, long deadline)
            throws IOException {
        Route route = new Route(hub, server);
        Shared socket = sockets.get(route);
        if (socket == null || !socket.takesQueries()) {
            Shared fresh = new Shared(hub, server, open, closed -> sockets.remove(route, closed));
            sockets.put(route, fresh);
            socket = fresh;
        }
        return socket.exchange(questions, deadline);
    }

    /** How many sockets are open now, over every hub and server. */
    int openSockets() {
        return open.get();
    }

    /** The queries of one greenlet's exchange, and the waiter it parks on. Hub-thread only. */
    private static final class Exchange extends UdpExchange {
        final Waiter<Void> done;

        Exchange(Hub hub, DnsTransport.Question[] questions) {
            super(questions);
            this.done = new Waiter<>(hub);
        }

        @Override
        void wake() {
            if (!done.ready()) {
                done.switchTo(null);
            }
        }
    }

    /** A query in flight: which exchange, and which of its questions. */
    private record InFlight(Exchange exchange, int index) {
    }

    /** One hub's socket to one server. Hub-thread only. */
    private static final class Shared {
        private final Hub hub;
        private final InetSocketAddress server;
        private final AtomicInteger open;
        private final Consumer<Shared> onClose;
        private final Map<Integer, InFlight> inFlight = new HashMap<>();
        private final ByteBuffer buffer = ByteBuffer.allocate(DnsTransport.MAX_UDP);
        private DatagramChannel channel;
        private IoWatcher readable;
        private int carried;
        private boolean closed;

        Shared(Hub hub, InetSocketAddress server, AtomicInteger open, Consumer<Shared> onClose) {
            this.hub = hub;
            this.server = server;
            this.open = open;
            this.onClose = onClose;
        }

        boolean takesQueries() {
            return !closed && carried < MAX_QUERIES_PER_SOCKET;
        }

        DnsMessage.Response[] exchange(DnsTransport.Question[] questions, long deadline) throws IOException {
            Exchange x = new Exchange(hub, questions);
            try {
                open();
                try {
                    for (int i = 0; i < questions.length; i++) {
                        int id = freeId();
                        x.ids[i] = id;
                        inFlight.put(id, new InFlight(x, i));
                        carried++;
                        channel.write(ByteBuffer.wrap(questions[i].query(id)));
                    }
                } catch (PortUnreachableException refused) { // the server's refusal of datagrams sent before
                    failAll(refused);
                }
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    x.done.getWithin(Duration.ofNanos(left), null);
                }
                return x.outcome();
            } finally {
                for (int i = 0; i < questions.length; i++) {
                    InFlight f = inFlight.get(x.ids[i]);
                    if (f != null && f.exchange() == x) {
                        inFlight.remove(x.ids[i]);
                    }
                }
                if (inFlight.isEmpty()) {
                    close();
                }
            }
        }

        private void open() throws IOException {
            if (channel != null) {
                return;
            }
            DatagramChannel ch = UdpExchange.openChannel(server);
            try {
                readable = hub.loop().io(ch, SelectionKey.OP_READ);
                readable.start(this::drain);
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
            channel = ch;
            open.incrementAndGet();
        }

        /** A random id no query in flight on this socket has. */
        private int freeId() {
            int id;
            do {
                id = DnsTransport.randomId();
            } while (inFlight.containsKey(id));
            return id;
        }

        /** The loop's callback when datagrams wait: hands each to the query with its id. */
        private void drain() {
            try {
                int n;
                while ((n = channel.read(buffer.clear())) > 0) {
                    int id = DnsTransport.idOf(buffer, n);
                    InFlight f = inFlight.get(id);
                    if (f != null && f.exchange().offer(f.index(), buffer.array(), n)) {
                        inFlight.remove(id);
                    }
                }
            } catch (IOException refused) {
                failAll(refused);
            }
        }

        /** Ends every exchange with a query in flight with {@code e}. */
        private void failAll(IOException e) {
            for (InFlight f : List.copyOf(inFlight.values())) {
                f.exchange().fail(e);
            }
        }

        /** Closes the channel (its port is free when this returns) and leaves the registry. */
        private void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            onClose.accept(this);
            if (channel != null) {
                open.decrementAndGet();
                readable.close();
                hub.loop().closeChannel(channel);
            }
        }
    }
}
