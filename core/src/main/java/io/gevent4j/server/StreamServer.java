package io.gevent4j.server;

import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.pool.Group;
import io.gevent4j.socket.AbstractSocket;
import io.gevent4j.socket.DetachedSocket;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TlsSocket;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A TCP or UNIX-domain server that runs a handler in a greenlet of its own for each
 * connection (gevent's {@code StreamServer}).
 *
 * <pre>{@code
 * StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 8000), (socket, address) -> {
 *     var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
 *     for (String line; (line = in.readLine()) != null; ) {
 *         socket.sendAll((line + "\n").getBytes(UTF_8));
 *     }
 * });
 * server.serveForever();
 * }</pre>
 *
 * <p><b>Connections.</b> The receiver greenlet accepts, and spawns the handler with the
 * accepted {@link StreamSocket} and the peer's address. When the handler returns or throws,
 * the server closes the socket: a handler must not return while other greenlets still use
 * it. With an {@link SSLContext} the handler gets a {@link TlsSocket} instead; the TLS
 * handshake runs in the handler's greenlet before the handler is called, so a client that
 * fails it (or never finishes it: see {@link #handshakeTimeout}) holds up its own greenlet
 * only, and the failure is reported like a handler's exception; {@link #sslParameters}
 * configures each connection's engine.
 *
 * <p><b>All cores.</b> By default every connection is a greenlet of the server's hub, so
 * the server uses one core. With {@link #hubGroup(HubGroup)} the server's receiver accepts
 * and hands each connection to the next hub of the group, round robin, where its handler
 * runs and the connection lives for its whole life; handlers on different hubs run at the
 * same time, so what they share must be thread-safe. {@link #stop} ends every hub's handlers.
 *
 * <pre>{@code
 * try (HubGroup hubs = HubGroup.start(Runtime.getRuntime().availableProcessors())) {
 *     StreamServer server = new StreamServer(address, handler).hubGroup(hubs);
 *     server.serveForever();
 * }
 * }</pre>
 *
 * <p>The lifecycle, the limit on concurrent handlers, error handling and threading are
 * {@link BaseServer}'s. Which thread runs what: {@link #start()}, {@link #stop} and the
 * other methods run in the calling greenlet (or the hub's platform thread); accepting runs
 * in the receiver greenlet; each handler, and its TLS handshake, in its own greenlet; all
 * of them on the server's hub, or the handlers on the hubs of its {@link #hubGroup}.
 */
public final class StreamServer extends BaseServer<StreamServer> {

    /** Serves one connection, in a greenlet of its own. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves the connection from {@code address} over {@code socket}, which the server
         * closes when this returns or throws. Whatever escapes is reported with the address.
         */
        void handle(StreamSocket socket, SocketAddress address) throws Exception;
    }

    /** Serves one TLS connection, in a greenlet of its own, once its handshake succeeded. */
    @FunctionalInterface
    public interface TlsHandler {
        /**
         * Serves the connection from {@code address} over {@code socket}, whose handshake is
         * done, and which the server closes when this returns or throws.
         */
        void handle(TlsSocket socket, SocketAddress address) throws Exception;
    }

    private final Handler handler;
    private final SSLContext sslContext;
    private final TlsHandler tlsHandler;
    private Consumer<SSLParameters> sslParameters = parameters -> { };
    private Duration handshakeTimeout;
    private int backlog = ListeningSocket.DEFAULT_BACKLOG;
    private ListeningSocket listener;
    /** The handlers' groups on the hubs of {@link #hubGroup}, made at start; {@code null} without one. */
    private HubHandlerGroups hubHandlers;

    /**
     * A server that will listen on {@code address} (an {@link java.net.InetSocketAddress},
     * port 0 for any free port, or a {@link java.net.UnixDomainSocketAddress}, whose file
     * must not exist and stays after the server is closed, as with the JDK's channels) once
     * started.
     */
    public StreamServer(SocketAddress address, Handler handler) {
        this(Objects.requireNonNull(address, "address"), null, Objects.requireNonNull(handler, "handler"), null, null);
    }

    /**
     * A server accepting on {@code listener}, already bound and listening on the current
     * thread's hub, which it closes when closed.
     *
     * @throws IllegalArgumentException if {@code listener} is closed
     */
    public StreamServer(ListeningSocket listener, Handler handler) {
        this(null, Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(handler, "handler"), null, null);
    }

    /** A TLS server that will listen on {@code address}, with the certificate of {@code context}'s key manager. */
    public StreamServer(SocketAddress address, SSLContext context, TlsHandler handler) {
        this(Objects.requireNonNull(address, "address"), null, null,
                Objects.requireNonNull(context, "context"), Objects.requireNonNull(handler, "handler"));
    }

    /**
     * A TLS server accepting on {@code listener}, already bound and listening.
     *
     * @throws IllegalArgumentException if {@code listener} is closed
     */
    public StreamServer(ListeningSocket listener, SSLContext context, TlsHandler handler) {
        this(null, Objects.requireNonNull(listener, "listener"), null,
                Objects.requireNonNull(context, "context"), Objects.requireNonNull(handler, "handler"));
    }

    private StreamServer(SocketAddress requested, ListeningSocket listener, Handler handler,
                         SSLContext sslContext, TlsHandler tlsHandler) {
        super(requested);
        this.listener = listener;
        this.handler = handler;
        this.sslContext = sslContext;
        this.tlsHandler = tlsHandler;
        if (listener != null) {
            markBound(boundAddress(listener));
        }
    }

    private static SocketAddress boundAddress(ListeningSocket listener) {
        try {
            return listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException("the listening socket is closed: " + listener, e);
        }
    }

    /**
     * Lets {@code configure} change the TLS parameters of each accepted connection before its
     * handshake: protocols, cipher suites, ALPN protocols ({@link SSLParameters#setApplicationProtocols}),
     * {@link SSLParameters#setNeedClientAuth}...
     *
     * @throws IllegalStateException if the server was started, or is not a TLS server
     */
    public StreamServer sslParameters(Consumer<SSLParameters> configure) {
        Objects.requireNonNull(configure, "configure");
        checkTls("sslParameters");
        this.sslParameters = configure;
        return this;
    }

    /**
     * Limits each TLS handshake to {@code timeout}: a client that has not finished it by then
     * is reported ({@link java.net.SocketTimeoutException}) and disconnected. Without it (the
     * default, as gevent's) a client that never finishes its handshake holds its greenlet,
     * and its slot in a pool, until it leaves.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if the server was started, or is not a TLS server
     */
    public StreamServer handshakeTimeout(Duration timeout) {
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + timeout);
        }
        checkTls("handshakeTimeout");
        this.handshakeTimeout = timeout;
        return this;
    }

    private void checkTls(String option) {
        checkNew(option);
        if (sslContext == null) {
            throw new IllegalStateException(option + " needs a TLS server (made with an SSLContext): " + this);
        }
    }

    /**
     * The listen backlog of the socket {@link #start()} binds; {@link ListeningSocket#DEFAULT_BACKLOG}
     * unless set.
     *
     * @throws IllegalArgumentException if {@code backlog} is not positive
     * @throws IllegalStateException if the server was started, or was given a bound socket
     */
    public StreamServer backlog(int backlog) {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        checkNew("backlog");
        if (requested() == null) {
            throw new IllegalStateException(this + " was given a listening socket: its backlog is set");
        }
        this.backlog = backlog;
        return this;
    }

    /**
     * Serves the connections on the hubs of {@code hubs} instead of the server's own: the
     * receiver, on the server's hub, accepts each connection and hands it to the
     * {@linkplain HubGroup#next() next hub}, round robin, where its handler runs in a greenlet
     * and its socket lives until the handler ends. Handlers on different hubs run at the same
     * time. The group should stay open while the server serves (close the server first): a
     * hub of the group that closes gets no more connections, and one handed to it just before
     * it closed is closed unserved. What a handler throws is reported, as usual, to the
     * server's hub's {@link Hub#setErrorHandler error handler}, called then on the handler's
     * hub thread, and so possibly from several threads at once. The handlers run in one group
     * per hub, of the server's making, so {@link #spawnIn} cannot be combined with it;
     * {@link #maxConcurrency} limits the handlers of all the hubs together: the receiver
     * waits for a handler to end, on whichever hub, before it accepts beyond the limit.
     *
     * <p>Why one acceptor rather than one {@code SO_REUSEPORT} listener per hub
     * ({@link ListeningSocket#bindReusePort}), the other way measured: under the same load
     * clients (64-byte echo and {@code wrk} HTTP hello, 50 and 1,000 kept-alive connections,
     * on a shared 2-core machine) no difference stood out of the run-to-run noise (the
     * listeners were ahead in most pairs, by less than the runs varied, and one hub served as
     * much as two), and on new connections (HTTP with {@code Connection: close}) the acceptor
     * was ahead; a hand-off per connection costs nothing a long connection notices. The
     * acceptor also spreads connections exactly (the kernel's hash does not), serves
     * UNIX-domain and already bound sockets, works on every platform, and keeps the address's
     * bind semantics, which the JDK's {@code HttpServer} API needs (it binds before it is given
     * its executor, and a second server on the address must fail to bind).
     *
     * @throws IllegalStateException if the server was started, or was given a {@link #spawnIn group}
     */
    public StreamServer hubGroup(HubGroup hubs) {
        useHubGroup(hubs);
        return this;
    }

    @Override
    void open() throws IOException {
        if (listener == null) {
            listener = ListeningSocket.bind(requested(), backlog);
            markBound(boundAddress(listener));
        }
        if (hubGroup() != null) {
            hubHandlers = new HubHandlerGroups(hubGroup(), maxConcurrencyLimit());
        }
    }

    @Override
    AbstractSocket socket() {
        return listener;
    }

    @Override
    void serveNext(Group handlers) throws IOException {
        if (hubHandlers != null) {
            hubHandlers.acceptAndHandOff(listener, this::serveHandedOff);
            return;
        }
        serve(listener.acceptDetached(), handlers, null);
    }

    @Override
    void stopHandlers(Duration timeout) {
        if (hubHandlers == null) {
            super.stopHandlers(timeout);
            return;
        }
        try {
            hubHandlers.stop(handlers -> stopGroup(handlers, timeout), timeout);
        } catch (IOException e) {
            report("closing a connection handed to a hub that closed", e);
        }
    }

    @Override
    boolean isHandler(Greenlet<?> greenlet) {
        return hubHandlers != null ? hubHandlers.contains(greenlet) : super.isHandler(greenlet);
    }

    /** How many hubs of the {@link #hubGroup} hold a group of this server's handlers: none once it stopped. */
    int hubsWithHandlers() {
        return hubHandlers == null ? 0 : hubHandlers.hubsWithGroups();
    }

    /**
     * On the hub {@code connection} was handed to, as a loop callback: serves it there, and
     * runs {@code ended} once the connection is closed.
     */
    private void serveHandedOff(DetachedSocket connection, Group handlers, Runnable ended) {
        try {
            serve(connection, handlers, ended);
        } catch (IOException | RuntimeException e) {
            report("failed to serve a connection handed to " + Hub.current(), e);
        }
    }

    /**
     * Makes {@code connection} a socket of the current hub and spawns its handler, with the
     * peer's address as the accept found it (a peer that reset the connection since has one
     * still); the socket is closed, and then {@code ended} (if any) run, when the handler
     * ends, or at once if the socket or its handler cannot be made.
     */
    private void serve(DetachedSocket connection, Group handlers, Runnable ended) throws IOException {
        StreamSocket socket;
        try {
            socket = StreamSocket.adopt(connection);
        } catch (IOException | RuntimeException | Error e) {
            if (ended != null) {
                ended.run();
            }
            throw e;
        }
        spawnHandler(handlers, new Connection(this, socket, connection.remoteAddress(), ended));
    }

    /** Closes an accepted socket, then runs {@code ended}, if any: a hub group's permit is free again. */
    private static void closeAccepted(StreamSocket socket, Runnable ended) throws IOException {
        try {
            socket.close();
        } finally {
            if (ended != null) {
                ended.run();
            }
        }
    }

    /** In the connection's greenlet: the TLS handshake, then the TLS handler. */
    private void serveTls(StreamSocket socket, SocketAddress peer) throws Exception {
        try (TlsSocket tls = TlsSocket.server(socket, sslContext, sslParameters)) {
            Duration timeout = socket.getTimeout();
            socket.setTimeout(handshakeTimeout);
            tls.handshake();
            socket.setTimeout(timeout);
            tlsHandler.handle(tls, peer);
        }
    }

    /**
     * One connection's handling, in its greenlet: the TLS handshake if any, then the handler;
     * then the socket is closed and {@code ended} (if the connection was handed to a hub of
     * the {@link #hubGroup}) run.
     */
    private static final class Connection extends Handling<StreamServer> {
        private final StreamSocket socket;
        private final Runnable ended;

        Connection(StreamServer server, StreamSocket socket, SocketAddress peer, Runnable ended) {
            super(server, peer);
            this.socket = socket;
            this.ended = ended;
        }

        @Override
        public void run() {
            try {
                if (server.sslContext == null) {
                    server.handler.handle(socket, peer);
                } else {
                    server.serveTls(socket, peer);
                }
            } catch (Throwable t) {
                failed(t);
            } finally {
                close();
            }
        }

        @Override
        void release() throws IOException {
            closeAccepted(socket, ended);
        }
    }
}
