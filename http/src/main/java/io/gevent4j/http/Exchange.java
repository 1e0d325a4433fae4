package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One request and its response on a gevent4j connection: the {@link HttpExchange} contract
 * as the JDK's own server keeps it. {@link #sendResponseHeaders} frames the body (a length;
 * 0: chunked, or until close for HTTP/1.0; -1: none; answering HEAD, the body written is
 * dropped and a positive length is sent as {@code Content-length}) and adds {@code Date},
 * {@code Content-length}/{@code Transfer-encoding} and {@code Connection}; header names or
 * values that would break the response (CR, LF, other control bytes, non-Latin-1) are
 * refused with {@link IllegalArgumentException}. The request headers are immutable.
 * Attributes belong to this exchange. Every method must be called from the connection's
 * greenlet; reading the body or writing the response blocks that greenlet only.
 */
final class Exchange extends HttpExchange {

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Connection connection;
    private final RequestHead head;
    private final HttpContext context;
    private final Headers requestHeaders;
    private final Headers responseHeaders = new ResponseHeaders();
    private final RequestBody requestBody;
    private final ResponseBody responseBody;
    private final ConnectionOutput out;
    private InputStream userIn;
    private OutputStream userOut;
    private Map<String, Object> attributes;
    private HttpPrincipal principal;
    private int status = -1;
    private boolean keepAlive;
    private boolean closed;

    Exchange(Connection connection, RequestHead head, HttpContext context, ConnectionInput in,
             ConnectionOutput out, HttpServerLimits limits) {
        this.connection = connection;
        this.head = head;
        this.context = context;
        this.out = out;
        this.requestHeaders = head.headers();
        this.requestBody = new RequestBody(in, head, limits, head.expectContinue() ? this::sendContinue : null);
        this.responseBody = new ResponseBody(out, in);
        this.userIn = requestBody;
        this.userOut = responseBody;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return head.uri();
    }

    @Override
    public String getRequestMethod() {
        return head.method();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    /**
     * Ends the exchange: closes the request stream and the (possibly filtered) response
     * stream, which sends what is left of the response. A response whose headers were never
     * sent makes the connection close. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        requestBody.close();
        if (!responseBody.started()) {
            keepAlive = false;
            return;
        }
        try {
            userOut.close();
        } catch (IOException e) {
            keepAlive = false;
        }
    }

    @Override
    public InputStream getRequestBody() {
        return userIn;
    }

    @Override
    public OutputStream getResponseBody() {
        return userOut;
    }

    @Override
    public void sendResponseHeaders(int code, long responseLength) throws IOException {
        if (responseBody.started()) {
            throw new IOException("response headers already sent");
        }
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("response code out of range: " + code);
        }
        if (responseLength < -1) {
            throw new IllegalArgumentException("negative response length: " + responseLength);
        }
        ResponseHead.validate(responseHeaders);
        ResponseBody.Framing framing;
        if (code < 200 || code == 204 || code == 304) {
            framing = ResponseBody.Framing.NONE;
        } else if (head.isHead()) {
            framing = ResponseBody.Framing.HEAD;
            if (responseLength > 0) {
                responseHeaders.set("Content-length", Long.toString(responseLength));
            }
        } else if (responseLength == 0) {
            framing = head.minorVersion() == 0 ? ResponseBody.Framing.UNTIL_CLOSE : ResponseBody.Framing.CHUNKED;
            if (framing == ResponseBody.Framing.CHUNKED) {
                responseHeaders.set("Transfer-encoding", "chunked");
            }
        } else {
            framing = responseLength < 0 ? ResponseBody.Framing.NONE : ResponseBody.Framing.FIXED;
            responseHeaders.set("Content-length", Long.toString(Math.max(responseLength, 0)));
        }
        keepAlive = head.keepAlive() && !connection.draining() && framing != ResponseBody.Framing.UNTIL_CLOSE
                && !requestBody.awaitingContinue() && !ResponseHead.asksClose(responseHeaders);
        if (!keepAlive) {
            responseHeaders.set("Connection", "close");
        } else if (head.minorVersion() == 0) {
            responseHeaders.set("Connection", "keep-alive");
        }
        status = code;
        responseBody.begin(framing, Math.max(responseLength, 0));
        ResponseHead.write(out, code, responseHeaders, connection.dateLine());
        if (framing != ResponseBody.Framing.FIXED) {
            out.flush();
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return connection.localAddress();
    }

    @Override
    public String getProtocol() {
        return head.protocol();
    }

    @Override
    public Object getAttribute(String name) {
        java.util.Objects.requireNonNull(name, "name");
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        java.util.Objects.requireNonNull(name, "name");
        if (value == null) {
            if (attributes != null) {
                attributes.remove(name);
            }
            return;
        }
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            userIn = i;
        }
        if (o != null) {
            userOut = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void setPrincipal(HttpPrincipal principal) {
        this.principal = principal;
    }

    RequestHead head() {
        return head;
    }

    boolean responseStarted() {
        return responseBody.started();
    }

    long bodyBytesSent() {
        return responseBody.written();
    }

    /**
     * After the handler: closes the exchange if the handler did not, then makes the request
     * body complete (reading at most {@code drainLimit} unread bytes).
     *
     * @return whether the connection may carry the next request
     */
    boolean finish(long drainLimit) throws IOException {
        close();
        return keepAlive && responseBody.completeForReuse() && !requestBody.awaitingContinue()
                && requestBody.drain(drainLimit);
    }

    /**
     * Answers with a small status page in place of a handler that could not answer (no
     * context, an exception, no response at all); the headers the handler set are dropped.
     * The connection closes afterwards unless {@code mayKeepAlive}. Only before any response
     * bytes were sent.
     */
    void sendStatusPage(int code, boolean mayKeepAlive) throws IOException {
        responseHeaders.clear();
        if (!mayKeepAlive) {
            responseHeaders.set("Connection", "close");
        }
        byte[] page = ("<h1>" + code + " " + Status.reason(code) + "</h1>").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        responseHeaders.set("Content-type", "text/html");
        sendResponseHeaders(code, page.length);
        responseBody.write(page, 0, page.length);
        closed = true;
        responseBody.close();
    }

    private void sendContinue() throws IOException {
        if (!responseBody.started()) {
            out.write(CONTINUE, 0, CONTINUE.length);
            out.flush();
        }
    }
}
