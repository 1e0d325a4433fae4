package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.net.URI;

/**
 * A parsed, validated request head: the request line, the header fields (an immutable
 * {@link Headers}), and what the framing headers say about the body and the connection.
 * Immutable.
 */
record RequestHead(String method, String target, URI uri, int minorVersion, Headers headers,
                   long contentLength, boolean chunked, boolean closeRequested,
                   boolean keepAliveRequested, boolean expectContinue) {

    /** {@code HTTP/1.0} or {@code HTTP/1.1}. */
    String protocol() {
        return minorVersion == 0 ? "HTTP/1.0" : "HTTP/1.1";
    }

    /** Whether the client lets the connection be reused after this request. */
    boolean keepAlive() {
        return minorVersion == 0 ? keepAliveRequested && !closeRequested : !closeRequested;
    }

    /** Whether the request has a body to read (a positive length or chunked). */
    boolean hasBody() {
        return chunked || contentLength > 0;
    }

    boolean isHead() {
        return method.equals("HEAD");
    }

    /** The request line as received, for the access log. */
    String requestLine() {
        return method + ' ' + target + ' ' + protocol();
    }
}
