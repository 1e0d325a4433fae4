package io.gevent4j.http;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * The access log: one line per answered request in Common Log Format, as pywsgi logs them
 * ({@code 127.0.0.1 - alice [04/Dec/2026:20:45:10 +0000] "GET / HTTP/1.1" 200 5}), at
 * {@link Level#INFO} on the {@code System.Logger} named {@value #NAME}. Nothing is
 * formatted when that level is off. Stateless apart from the logger; any thread.
 */
final class AccessLog {

    /** The logger's name. */
    static final String NAME = "io.gevent4j.http.access";
    private static final Logger LOG = System.getLogger(NAME);

    private AccessLog() {
    }

    static boolean enabled() {
        return LOG.isLoggable(Level.INFO);
    }

    static void log(InetSocketAddress client, String user, String timestamp, String requestLine, int status, long bytes) {
        String host = client == null ? "-" : client.getAddress().getHostAddress();
        LOG.log(Level.INFO, host + " - " + (user == null ? "-" : user) + " [" + timestamp + "] \""
                + requestLine + "\" " + status + " " + (bytes == 0 ? "-" : Long.toString(bytes)));
    }
}
