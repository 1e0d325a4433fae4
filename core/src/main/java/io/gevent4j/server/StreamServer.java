package io.gevent4j.server;

import io.gevent4j.pool.Group;
import io.gevent4j.socket.AbstractSocket;
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
 * <p>The lifecycle, the limit on concurrent handlers, error handling and threading are
 * {@link BaseServer}'s. Which thread runs what: {@link #start()}, {@link #stop} and the
 * other methods run in the calling greenlet (or the hub's platform thread); accepting runs
 * in the receiver greenlet; each handler, and its TLS handshake, in its own greenlet; all
 * of them on the server's hub.
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

    private final SocketAddress requested;
    private final Handler handler;
    private final SSLContext sslContext;
    private final TlsHandler tlsHandler;
    private Consumer<SSLParameters> sslParameters = parameters -> { };
    private Duration handshakeTimeout;
    private int backlog = ListeningSocket.DEFAULT_BACKLOG;
    private ListeningSocket listener;
    private SocketAddress bound;

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
        this.requested = requested;
        this.listener = listener;
        this.handler = handler;
        this.sslContext = sslContext;
        this.tlsHandler = tlsHandler;
        if (listener != null) {
            this.bound = boundAddress(listener);
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
        if (requested == null) {
            throw new IllegalStateException(this + " was given a listening socket: its backlog is set");
        }
        this.backlog = backlog;
        return this;
    }

    @Override
    public SocketAddress address() {
        return bound != null ? bound : requested;
    }

    @Override
    void open() throws IOException {
        if (listener == null) {
            listener = ListeningSocket.bind(requested, backlog);
            bound = boundAddress(listener);
        }
    }

    @Override
    AbstractSocket socket() {
        return listener;
    }

    @Override
    void serveNext(Group handlers) throws IOException {
        StreamSocket socket = listener.accept();
        SocketAddress peer;
        try {
            peer = socket.getRemoteAddress();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        spawnHandler(handlers, peer, () -> serve(socket, peer), socket);
    }

    /** Runs in the connection's greenlet: the TLS handshake if any, then the handler. */
    private void serve(StreamSocket socket, SocketAddress peer) throws Exception {
        if (sslContext == null) {
            handler.handle(socket, peer);
            return;
        }
        try (TlsSocket tls = TlsSocket.server(socket, sslContext, sslParameters)) {
            Duration timeout = socket.getTimeout();
            socket.setTimeout(handshakeTimeout);
            tls.handshake();
            socket.setTimeout(timeout);
            tlsHandler.handle(tls, peer);
        }
    }
}
