package io.gevent4j.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * gevent4j's {@link HttpsServer}: a {@link GeventHttpServer} whose connections speak TLS as
 * the {@link HttpsConfigurator} sets it up (which must be set before the server starts; its
 * {@code configure} runs for each connection). The TLS handshake runs in the connection's
 * greenlet, bounded by the header timeout; a failed handshake closes that connection only.
 * Handlers get {@link com.sun.net.httpserver.HttpsExchange}s. Methods may be called from any thread.
 *
 * <p>Every behaviour lives in {@link ServerCore}; this class and {@link GeventHttpServer}
 * only forward to it, because the JDK's two server types are abstract classes, one
 * extending the other, that no common class of ours can extend both (the JDK's own
 * implementation is the same pair).
 */
final class GeventHttpsServer extends HttpsServer {

    private final ServerCore core;

    GeventHttpsServer(HttpServerLimits limits) {
        this.core = new ServerCore(this, limits);
    }

    @Override
    public void setHttpsConfigurator(HttpsConfigurator config) {
        core.setHttpsConfigurator(config);
    }

    @Override
    public HttpsConfigurator getHttpsConfigurator() {
        return core.httpsConfigurator();
    }

    @Override
    public void bind(InetSocketAddress addr, int backlog) throws IOException {
        core.bind(addr, backlog);
    }

    /** @throws IllegalStateException also if no {@link HttpsConfigurator} was set */
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
}
