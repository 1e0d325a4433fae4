package io.gevent4j.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.List;

/**
 * Runs an exchange through its context as the JDK's server does: the authenticator first
 * (a {@link Authenticator.Retry} or {@link Authenticator.Failure} answers with its code and
 * no body; a {@link Authenticator.Success} sets the principal), then the filters in list
 * order, then the handler. Runs in the connection's greenlet; throws what they throw.
 */
final class Dispatcher {

    private Dispatcher() {
    }

    static void dispatch(Context context, HttpExchange api, Exchange exchange) throws IOException {
        Authenticator authenticator = context.getAuthenticator();
        if (authenticator != null) {
            switch (authenticator.authenticate(api)) {
                case Authenticator.Success s -> exchange.setPrincipal(s.getPrincipal());
                case Authenticator.Retry r -> {
                    api.sendResponseHeaders(r.getResponseCode(), -1);
                    return;
                }
                case Authenticator.Failure f -> {
                    api.sendResponseHeaders(f.getResponseCode(), -1);
                    return;
                }
                default -> throw new IllegalStateException("unknown authenticator result from " + authenticator);
            }
        }
        HttpHandler handler = context.getHandler();
        List<Filter> filters = context.getFilters();
        if (filters.isEmpty()) {
            handler.handle(api);
        } else {
            new Filter.Chain(filters, handler).doFilter(api);
        }
    }
}
