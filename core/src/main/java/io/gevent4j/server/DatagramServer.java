package io.gevent4j.server;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.lock.Semaphore;
import io.gevent4j.pool.Group;
import io.gevent4j.socket.AbstractSocket;
import io.gevent4j.socket.UdpSocket;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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
 * greenlet, {@link #sendTo} in its caller, all on the server's hub; or, with a
 * {@link #hubGroup hub group}, on each hub of the group.
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

    /** How long {@link #stop} waits for a hub of the group beyond the handlers' timeout: the kill's second, and the hop. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    private final Handler handler;
    /** The server of a hub group this one serves a hub of, or {@code null}. */
    private final DatagramServer spread;
    private ByteBuffer receiveBuffer;
    private UdpSocket socket;
    /** With a hub group and a {@link #maxConcurrency} limit: one permit per handler, over all the hubs. */
    private Semaphore permits;
    /** With a hub group: the server of each hub, made at start, dropped by stop. */
    private final Map<Hub, DatagramServer> onHubs = new ConcurrentHashMap<>();

    /** A server that will receive on {@code address} (port 0 for any free port) once started. */
    public DatagramServer(SocketAddress address, Handler handler) {
        this(Objects.requireNonNull(address, "address"), Objects.requireNonNull(handler, "handler"), null);
    }

    /** A server of the current hub, of {@code spread}'s group when that is not {@code null}. */
    private DatagramServer(SocketAddress address, Handler handler, DatagramServer spread) {
        super(address);
        this.handler = handler;
        this.spread = spread;
    }

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code address} from the
     * server's socket, blocking the caller while the socket's send buffer is full. With a
     * {@link #hubGroup hub group}, from the socket of the caller's hub, which must be one of
     * the group's (as the handlers' are).
     *
     * @throws IllegalStateException if the server was never started, or (with a hub group)
     *         the caller runs on no hub of the group
     * @throws java.nio.channels.ClosedChannelException if it was closed
     */
    public void sendTo(ByteBuffer data, SocketAddress address) throws IOException {
        if (hubGroup() != null) {
            Hub current = Hub.currentIfExists();
            DatagramServer here = current == null ? null : onHubs.get(current);
            if (here == null) {
                throw new IllegalStateException(this + " sends from the hubs of its group, and "
                        + Thread.currentThread() + " runs none of them (or the server is not serving)");
            }
            here.sendTo(data, address);
            return;
        }
        hub.checkCurrent(this);
        if (socket == null) {
            throw new IllegalStateException(this + " has no socket before it starts");
        }
        socket.send(data, address);
    }

    /**
     * Serves the address from every hub of {@code hubs} instead of the server's own: at
     * {@link #start()}, each hub binds a socket of its own to the address with
     * {@code SO_REUSEPORT} (the first resolves port 0, the others take its port) and runs a
     * receiver and the handlers of its datagrams; {@link #sendTo} sends from the caller's hub's
     * socket, so replies leave from the server's port. {@code start()} blocks the caller until
     * every hub has bound its socket. {@link #stop} stops every hub's receiver and handlers.
     * What goes wrong is reported to the server's hub's {@link Hub#setErrorHandler error
     * handler}, called then on the hub where it went wrong, so possibly from several threads
     * at once. The group should stay open while the server serves (stop the server first).
     *
     * <p>Why one socket per hub rather than one socket whose receiver hands each datagram to
     * the next hub (as {@link StreamServer#hubGroup} hands connections): a datagram is a
     * whole request, so a hand-off would cost a wake-up of another thread per request, more
     * than a small handler's work, and every datagram would still be received on one
     * thread; a reply from another hub would also have to be sent on a socket that belongs to
     * the receiving hub. With a socket per hub each hub receives, handles and answers on its
     * own thread. Caveats: Linux (3.9 and later) spreads the datagrams by a hash of the
     * sender's address and port, so one sender's datagrams all go to one hub and a few
     * senders may land unevenly; datagrams unread in a hub's socket when it closes are lost;
     * any other process of the same user may bind the address the same way and take a
     * share; other systems accept the option with other meanings (BSD and macOS give the
     * datagrams to one socket), and where there is no {@code SO_REUSEPORT} {@code start()}
     * throws {@link UnsupportedOperationException}. The handlers run in one group per hub, of
     * the server's making, so {@link #spawnIn} cannot be combined with it;
     * {@link #maxConcurrency} limits the handlers of all the hubs together (a thread-safe
     * count): once the limit is reached, each hub's receiver holds the datagram it received
     * until a handler ends, on whichever hub, and the other datagrams wait in the sockets
     * meanwhile (a receiver that waits for a datagram holds no permit).
     *
     * @throws IllegalStateException if the server was started, or was given a {@link #spawnIn group}
     */
    public DatagramServer hubGroup(HubGroup hubs) {
        useHubGroup(hubs);
        return this;
    }

    @Override
    void open() throws IOException {
        if (hubGroup() != null) {
            openOnHubs();
            return;
        }
        UdpSocket s = requested() instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address
                ? UdpSocket.open(StandardProtocolFamily.INET)
                : UdpSocket.open();
        try {
            if (spread != null) {
                s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            s.bind(requested());
            markBound(s.getLocalAddress());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        socket = s;
        receiveBuffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    }

    /**
     * Starts a server on each hub of the group, one after the other (the first resolves the
     * port); if one fails, or its hub closes before it starts it, closes those started and
     * drops them.
     */
    private void openOnHubs() throws IOException {
        if (hubGroup().isClosed()) {
            throw new IllegalStateException("cannot serve from a closed " + hubGroup());
        }
        if (maxConcurrencyLimit() > 0) {
            permits = new Semaphore(maxConcurrencyLimit());
        }
        for (Hub on : hubGroup().hubs()) {
            SocketAddress address = address();
            Greenlet<Started> starting = Gevent.spawnOn(on, () -> startHere(address));
            Started started = starting.get();
            Exception failure = starting.killed()
                    ? new IllegalStateException(on + " closed before it started its server")
                    : started.failure();
            if (failure != null) {
                closeSocket();
                onHubs.clear();
                if (failure instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) failure;
            }
            markBound(started.address());
        }
    }

    /** What starting a hub's server gave: the address it bound, or why it failed. */
    private record Started(SocketAddress address, Exception failure) {
    }

    /**
     * On a hub of the group: starts its server on {@code address}, registered first, so that
     * its handlers find it (and dropped if it fails).
     */
    private Started startHere(SocketAddress address) {
        Hub here = Hub.current();
        DatagramServer server = new DatagramServer(address, handler, this).onStop(stopHook());
        onHubs.put(here, server);
        try {
            return new Started(server.start().address(), null);
        } catch (IOException | RuntimeException e) {
            onHubs.remove(here);
            return new Started(null, e);
        }
    }

    @Override
    AbstractSocket socket() {
        return socket;
    }

    /** With a hub group, closes each hub's server on its hub, without waiting. */
    @Override
    void closeSocket() throws IOException {
        if (hubGroup() == null) {
            super.closeSocket();
            return;
        }
        onHubs.forEach((on, server) -> on.runThreadsafe(server::close));
    }

    /** With a hub group, stops each hub's server on its hub, all at once, and drops them. */
    @Override
    void stopHandlers(Duration timeout) {
        if (hubGroup() == null) {
            super.stopHandlers(timeout);
            return;
        }
        List<Greenlet<Void>> stopping = new ArrayList<>();
        onHubs.forEach((on, server) -> {
            if (!on.isClosed()) {
                stopping.add(Gevent.spawnOn(on, () -> {
                    server.stop(timeout);
                    return null;
                }));
            }
        });
        for (Greenlet<Void> g : stopping) {
            g.join(timeout.plus(STOP_MARGIN));
        }
        onHubs.clear();
    }

    @Override
    Hub errorHub() {
        return spread != null ? spread.hub : hub;
    }

    @Override
    void serveNext(Group handlers) throws IOException {
        if (hubGroup() != null) {
            awaitClosed();
            return;
        }
        Semaphore limit = spread != null ? spread.permits : null;
        if (limit == null) {
            spawnHandler(handlers, new Received(this, receive(), null));
            return;
        }
        // receive first: a receiver waiting for a datagram that may never reach its hub's
        // socket must not hold a permit that the handlers of a busier hub need
        Datagram datagram = receive();
        limit.acquire();
        spawnHandler(handlers, new Received(this, datagram, limit));
    }

    /** Blocks the receiver until the next datagram, and returns it with its sender. */
    private Datagram receive() throws IOException {
        receiveBuffer.clear();
        SocketAddress from = socket.receive(receiveBuffer);
        receiveBuffer.flip();
        return new Datagram(ByteBuffer.allocate(receiveBuffer.remaining()).put(receiveBuffer).flip(), from);
    }

    private record Datagram(ByteBuffer data, SocketAddress from) {
    }

    /** One datagram's handling, in its greenlet: the handler; then the hub group's {@code permit}, if any, is released. */
    private static final class Received extends Handling<DatagramServer> {
        private final ByteBuffer data;
        private final Semaphore permit;

        Received(DatagramServer server, Datagram datagram, Semaphore permit) {
            super(server, datagram.from());
            this.data = datagram.data();
            this.permit = permit;
        }

        @Override
        public void run() {
            try {
                server.handler.handle(data, peer);
            } catch (Throwable t) {
                failed(t);
            } finally {
                close();
            }
        }

        @Override
        void release() {
            if (permit != null) {
                permit.release();
            }
        }
    }
}
