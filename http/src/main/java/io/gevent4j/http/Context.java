package io.gevent4j.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A path prefix of a gevent4j server and what serves it: handler, filters (applied in list
 * order, after the authenticator) and attributes. Setters may be called from any thread;
 * requests already dispatched keep what they saw.
 */
final class Context extends HttpContext {

    private final String path;
    private final HttpServer server;
    private final List<Filter> filters = new CopyOnWriteArrayList<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile HttpHandler handler;
    private volatile Authenticator authenticator;

    Context(String path, HttpHandler handler, HttpServer server) {
        this.path = path;
        this.handler = handler;
        this.server = server;
    }

    @Override
    public HttpHandler getHandler() {
        return handler;
    }

    /**
     * Sets the handler of a context created without one, as the JDK's server does.
     *
     * @throws NullPointerException if {@code handler} is null
     * @throws IllegalArgumentException if the context has a handler already
     */
    @Override
    public void setHandler(HttpHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        synchronized (this) {
            if (this.handler != null) {
                throw new IllegalArgumentException("handler already set for context " + path);
            }
            this.handler = handler;
        }
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    /** Shared by every exchange of this context; thread-safe. */
    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    /** Thread-safe and modifiable; a request is filtered by the list as it stood when it arrived. */
    @Override
    public List<Filter> getFilters() {
        return filters;
    }

    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
        Authenticator previous = authenticator;
        authenticator = auth;
        return previous;
    }

    @Override
    public Authenticator getAuthenticator() {
        return authenticator;
    }
}
