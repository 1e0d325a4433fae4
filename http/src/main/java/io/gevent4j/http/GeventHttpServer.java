package io.gevent4j.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * gevent4j's {@link HttpServer}: what {@code HttpServer.create(...)} returns when
 * {@code gevent4j-http} is present. Every connection is a greenlet of one hub (see
 * {@link GeventHttpServerProvider} for which hub, and for an executor that is a
 * {@link io.gevent4j.hub.HubGroup}) and runs its exchanges there, one at a time, in order.
 * Methods may be called from any thread.
 */
final class GeventHttpServer extends HttpServer {

    private final ServerCore core;

    GeventHttpServer(HttpServerLimits limits) {
        this.core = new ServerCore(this, limits);
    }

    @Override
    public void bind(InetSocketAddress addr, int backlog) throws IOException {
        core.bind(addr, backlog);
    }

    @Override
    public void start() {
        core.start();
    }

    @Override
    public void setExecutor(Executor executor) {
        core.setExecutor(executor);
    }

    @Override
    public Executor getExecutor() {
        return core.executor();
    }

    /** @throws IllegalArgumentException if {@code delay} is negative */
    @Override
    public void stop(int delay) {
        core.stop(delay);
    }

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        return core.createContext(path, handler);
    }

    @Override
    public HttpContext createContext(String path) {
        return core.createContext(path);
    }

    @Override
    public void removeContext(String path) {
        core.removeContext(path);
    }

    @Override
    public void removeContext(HttpContext context) {
        core.removeContext(context);
    }

    @Override
    public InetSocketAddress getAddress() {
        return core.address();
    }

    /** How many hubs hold a record of this server's connections: none once it stopped and they ended. */
    int hubsWithConnections() {
        return core.hubsWithConnections();
    }
}
