package io.gevent4j.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.gevent4j.Gevent;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TlsSocket;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What a gevent4j {@link HttpServer} or {@code HttpsServer} is, shared by both: its
 * contexts, its connections and its life (bind, start, stop). A {@link StreamServer} accepts
 * and runs each connection in a greenlet of its own.
 *
 * <p><b>Which hub serves.</b> A server bound inside a greenlet is served by that greenlet's
 * hub: its accept loop and every connection are greenlets there, and run while that hub's
 * greenlets block. A server bound from any other thread gets a {@link ServerThread} with a
 * hub of its own, as the JDK's server gets its dispatcher thread. A server whose executor is
 * a {@link HubGroup} accepts on that hub and hands each connection to the next hub of the
 * group ({@link StreamServer#hubGroup}); each hub's connections keep their buffers in a
 * {@link HubConnections} of that hub.
 *
 * <p><b>Threads.</b> {@link #bind}, {@link #start} and {@link #stop} may be called from any
 * thread (except that a hub's own greenlets must start the servers it serves); contexts and
 * the executor from any thread. Connection bookkeeping is hub-thread only.
 */
final class ServerCore {


    private enum State { UNBOUND, BOUND, STARTED, STOPPED }

    private final HttpServer owner;
    private final HttpServerLimits limits;
    private final Contexts contexts = new Contexts();
    /** Each hub's record, from its first connection until the server stopped and the hub's last connection ended. */
    private final Map<Hub, HubConnections> connections = new ConcurrentHashMap<>();
    /** Set when stopping begins: a hub's record made after it is drained from the start. */
    private volatile boolean stopping;
    /** Set when the server's thread serves: what its main greenlet waits on until stopped. Hub-thread only. */
    private Event terminated;
    private volatile HttpsConfigurator configurator;
    private volatile Executor executor;
    private State state = State.UNBOUND;
    private InetSocketAddress address;
    private StreamServer acceptor;
    private Hub hub;
    private ServerThread thread;

    ServerCore(HttpServer owner, HttpServerLimits limits) {
        this.owner = owner;
        this.limits = limits;
    }

    /**
     * Binds the listening socket (port 0: any free port).
     *
     * @throws BindException if the server is bound already, or the address is taken
     */
    synchronized void bind(InetSocketAddress addr, int backlog) throws IOException {
        Objects.requireNonNull(addr, "address");
        if (state != State.UNBOUND) {
            throw new BindException("server already bound to " + address);
        }
        int n = backlog > 0 ? backlog : ListeningSocket.DEFAULT_BACKLOG;
        Hub current = Hub.currentIfExists();
        if (current != null && Thread.currentThread().isVirtual()) {
            hub = current;
            listen(addr, n);
        } else {
            try {
                thread = ServerThread.bind("gevent4j-http", () -> {
                    listen(addr, n);
                    Thread.currentThread().setName("gevent4j-http-" + address.getPort());
                });
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
            hub = thread.hub();
        }
        state = State.BOUND;
    }

    /**
     * Starts accepting. Returns at once; the server runs on its hub.
     *
     * @throws IllegalStateException if unbound, started already or stopped, if a server
     *         served by a greenlet's hub is started from another thread, or if an
     *         {@link HttpsServer} has no {@link HttpsConfigurator}
     */
    synchronized void start() {
        if (state != State.BOUND) {
            throw new IllegalStateException(state == State.UNBOUND ? "server not bound" : "server already started");
        }
        if (owner instanceof HttpsServer && configurator == null) {
            throw new IllegalStateException("HttpsConfigurator not set");
        }
        if (thread != null) {
            thread.begin(() -> {
                terminated = new Event();
                startAccepting();
                terminated.await();
            });
        } else {
            hub.checkCurrent(owner);
            startAccepting();
        }
        state = State.STARTED;
    }

    /**
     * Stops as {@link HttpServer#stop} documents: closes the listening socket at once, lets
     * the exchanges under way finish (each answered with {@code Connection: close}) for up to
     * {@code delay}, then closes every connection and ends the server's thread. Blocks the
     * caller (a greenlet of the server's hub: that greenlet only) until then. Idempotent.
     *
     * @throws IllegalArgumentException if {@code delaySeconds} is negative
     */
    void stop(int delaySeconds) {
        if (delaySeconds < 0) {
            throw new IllegalArgumentException("negative delay: " + delaySeconds);
        }
        Duration delay = Duration.ofSeconds(delaySeconds);
        State was;
        synchronized (this) {
            was = state;
            state = State.STOPPED;
        }
        stopping = true;
        switch (was) {
            case UNBOUND, STOPPED -> { }
            case BOUND -> {
                if (thread != null) {
                    thread.abandon(this::closeListener);
                } else {
                    onHub(this::closeListener);
                }
            }
            case STARTED -> {
                onHub(() -> drain(delay));
                if (thread != null && Hub.currentIfExists() != hub) {
                    thread.join();
                }
            }
        }
    }

    /** The bound address (port 0 resolved), or {@code null} before {@link #bind}. */
    synchronized InetSocketAddress address() {
        return address;
    }

    HttpContext createContext(String path, HttpHandler handler) {
        return addContext(path, Objects.requireNonNull(handler, "handler"));
    }

    /** A context without a handler yet. */
    HttpContext createContext(String path) {
        return addContext(path, null);
    }

    private HttpContext addContext(String path, HttpHandler handler) {
        Objects.requireNonNull(path, "path");
        Context c = new Context(path, handler, owner);
        contexts.add(c);
        return c;
    }

    void removeContext(String path) {
        contexts.remove(Objects.requireNonNull(path, "path"));
    }

    void removeContext(HttpContext context) {
        if (!(context instanceof Context c)) {
            throw new IllegalArgumentException("not a context of this server: " + context);
        }
        contexts.remove(c);
    }

    synchronized void setExecutor(Executor executor) {
        if (state == State.STARTED) {
            throw new IllegalStateException("server already started");
        }
        this.executor = executor;
    }

    Executor executor() {
        return executor;
    }

    void setHttpsConfigurator(HttpsConfigurator configurator) {
        this.configurator = Objects.requireNonNull(configurator, "configurator");
    }

    HttpsConfigurator httpsConfigurator() {
        return configurator;
    }

    Contexts contexts() {
        return contexts;
    }

    HttpServerLimits limits() {
        return limits;
    }

    private void listen(InetSocketAddress addr, int backlog) throws IOException {
        ListeningSocket listener = ListeningSocket.bind(addr, backlog);
        address = (InetSocketAddress) listener.getLocalAddress();
        acceptor = new StreamServer(listener, this::serve).onStop(this::drainConnectionsHere);
    }

    /**
     * This hub's connections of the server, in a record made on the hub's first connection;
     * one made once stopping began drains each connection as it is added, and is released
     * when the last has ended (the caller adds one at once).
     */
    private HubConnections connectionsHere() {
        Hub hub = Hub.current();
        HubConnections here = connections.get(hub);
        if (here == null) {
            here = new HubConnections(released -> connections.remove(hub, released));
            connections.put(hub, here);
            if (stopping) {
                here.drainFromStart();
            }
        }
        return here;
    }

    /** The stop hook, on each hub serving connections: drains this hub's, if it has any. */
    private void drainConnectionsHere() {
        HubConnections here = connections.get(Hub.current());
        if (here != null) {
            here.drainAll();
        }
    }

    /** How many hubs hold a record of the server's connections: none once it stopped and they ended. */
    int hubsWithConnections() {
        return connections.size();
    }

    private void startAccepting() {
        if (executor instanceof HubGroup hubs) {
            acceptor.hubGroup(hubs);
        }
        try {
            acceptor.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the listening socket failed", e);
        }
    }

    /** Serves one accepted connection in its own greenlet (the handler's), until it ends. */
    private void serve(StreamSocket socket, SocketAddress peer) throws IOException {
        HttpsConfigurator tls = configurator;
        TlsSocket secure = null;
        if (tls != null) {
            TlsParameters params = new TlsParameters(tls, (InetSocketAddress) peer);
            secure = TlsSocket.server(socket, tls.getSSLContext(), params::configure);
        }
        InetSocketAddress local = (InetSocketAddress) socket.getLocalAddress();
        HubConnections here = connectionsHere();
        Connection c = new Connection(this, here, new Transport(socket, secure, here.writeBuffer()), (InetSocketAddress) peer, local);
        here.add(c);
        c.serve();
    }

    private void closeListener() {
        acceptor.close();
    }

    /**
     * Runs in a greenlet of the server's hub: stops accepting, then on every hub serving
     * connections ends the idle ones' wait for a request at once
     * ({@link HubConnections#drainAll}) and lets the busy ones finish their exchange for up to
     * {@code delay}.
     */
    private void drain(Duration delay) {
        acceptor.stop(delay);
        if (terminated != null) {
            terminated.set();
        }
    }

    /** Runs {@code task} in a new greenlet of the server's hub and waits for it, from any thread. */
    private void onHub(Runnable task) {
        if (Hub.currentIfExists() == hub) {
            Gevent.spawn(task).join();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        hub.loop().runCallbackThreadsafe(() -> Gevent.spawn(() -> {
            try {
                task.run();
            } finally {
                done.complete(null);
            }
        }));
        done.join();
    }
}
