package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The JDK's {@link HttpServerProvider} for gevent4j, registered for {@link java.util.ServiceLoader}:
 * with {@code gevent4j-http} on the class path or module path, an unmodified
 * {@code HttpServer.create(...)} or {@code HttpsServer.create(...)} returns a gevent4j server.
 *
 * <p><b>Which hub serves.</b> A server bound inside a greenlet is served by that greenlet's
 * hub: its accept loop and each connection are greenlets there. A server bound from any
 * other thread (an unmodified {@code main}) gets a platform thread of its own,
 * {@code gevent4j-http-PORT} (the bound port), with its own hub, as the JDK's server gets its dispatcher
 * thread; that thread is not a daemon and ends at {@code stop}. Either way, by default
 * ({@code setExecutor(null)}) one hub serves all of the server's connections, one greenlet
 * each, and handlers run in their connection's greenlet: they never run at once, as with
 * the JDK's default executor.
 *
 * <p><b>All cores.</b> {@code server.setExecutor(hubGroup)}, with an
 * {@link io.gevent4j.hub.HubGroup}, spreads the connections over the group's hubs: that
 * hub accepts, and hands each connection round robin to a hub of the group, where its
 * greenlet runs its exchanges for the connection's whole life. Handlers then run at once
 * on several threads, as with a JDK thread pool executor, so what they share must be
 * thread-safe. The group must stay open until the server has stopped. Any other executor
 * is kept for {@code getExecutor} and otherwise ignored: blocking calls in a handler let
 * the hub serve other connections, so no pool is needed.
 *
 * <p><b>Pipelining.</b> Responses to pipelined requests leave together: a response that ends
 * while the next request is buffered already is held until the connection's greenlet blocks
 * (in any call: a read, a lock, a sleep, a JDK call), ends, or has answered 16 requests in a
 * row. A handler that computes without blocking (or blocks its hub's thread, as JDK file I/O
 * does) so delays the responses held before it, as it delays every greenlet of its hub.
 *
 * <p><b>Limits.</b> The server enforces {@link HttpServerLimits}: {@link HttpServerLimits#defaults()}
 * (gevent4j's configuration: {@code gevent4j.http.maxRequestLineBytes} and the other {@code http.*} settings) for servers made through the JDK's
 * {@code create} methods, or those given to {@link #GeventHttpServerProvider(HttpServerLimits)}.
 *
 * <p><b>Access log.</b> One line per request in Common Log Format at {@code INFO} on the
 * {@code System.Logger} {@code io.gevent4j.http.access}; errors and refused requests on
 * {@code io.gevent4j.http}.
 *
 * <p>Any thread may call it; {@code create} binds at once when given an address, and throws
 * {@link java.net.BindException} if the address is taken.
 */
public final class GeventHttpServerProvider extends HttpServerProvider {

    private final HttpServerLimits limits;

    /** The provider {@link java.util.ServiceLoader} makes: limits from {@link HttpServerLimits#defaults()}. */
    public GeventHttpServerProvider() {
        this(HttpServerLimits.defaults());
    }

    /** A provider whose servers enforce {@code limits}. */
    public GeventHttpServerProvider(HttpServerLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A server bound to {@code addr} with {@code backlog} (0 or less: the default), or unbound if {@code addr} is null. */
    @Override
    public HttpServer createHttpServer(InetSocketAddress addr, int backlog) throws IOException {
        GeventHttpServer server = new GeventHttpServer(limits);
        if (addr != null) {
            server.bind(addr, backlog);
        }
        return server;
    }

    /** A TLS server bound to {@code addr}, or unbound if {@code addr} is null; set its configurator before starting it. */
    @Override
    public HttpsServer createHttpsServer(InetSocketAddress addr, int backlog) throws IOException {
        GeventHttpsServer server = new GeventHttpsServer(limits);
        if (addr != null) {
            server.bind(addr, backlog);
        }
        return server;
    }
}
