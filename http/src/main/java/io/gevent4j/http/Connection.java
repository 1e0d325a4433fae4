package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.gevent4j.Gevent;
import io.gevent4j.hub.Loop;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.time.Duration;

/**
 * One accepted connection, served by its own greenlet ({@link #serve()}): reads request
 * heads, runs one exchange at a time (pipelined requests are answered in order, their
 * responses gathered into one write, see {@link ConnectionOutput}), keeps the
 * connection alive as HTTP/1.1 and 1.0 allow, and answers refused requests with their status
 * before closing. While it waits for the next request it holds no buffer. After
 * {@value #MAX_EXCHANGES_IN_A_ROW} exchanges answered without a switch it yields (gevent's
 * {@code sleep(0)}), so a pipelining client shares the hub fairly. Hub-thread only;
 * {@link #serve()} runs in the connection's greenlet, the rest in any greenlet of the hub.
 */
final class Connection {

    private static final Logger LOG = System.getLogger("io.gevent4j.http");
    /** Unread request body bytes read and dropped after the handler so the connection can be reused. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    private static final Duration LINGER = Duration.ofSeconds(2);
    /**
     * How many exchanges a connection answers in a row without its greenlet switching (their
     * requests were buffered already: pipelined, or streamed faster than they are answered)
     * before it lets every other ready greenlet of the hub run once: one client must not hold
     * the hub while a thousand others wait.
     */
    private static final int MAX_EXCHANGES_IN_A_ROW = 16;

    private final ServerCore server;
    private final HubConnections here;
    private final Transport transport;
    private final HttpServerLimits limits;
    private final ConnectionInput in;
    private final ConnectionOutput out;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private boolean busy;
    private boolean draining;

    Connection(ServerCore server, HubConnections here, Transport transport, InetSocketAddress remote, InetSocketAddress local) {
        this.server = server;
        this.here = here;
        this.transport = transport;
        this.limits = server.limits();
        this.out = new ConnectionOutput(transport, here.pool(), limits.ioTimeout(), here.loop());
        this.in = new ConnectionInput(transport, out, here.pool(), here.scratch());
        this.remote = remote;
        this.local = local;
    }

    /** Serves requests until the client closes, a request is refused, or the server stops. */
    void serve() {
        try {
            transport.socket().setOption(StandardSocketOptions.TCP_NODELAY, true);
            transport.setTimeout(limits.headerTimeout());
            transport.handshake();
            Loop loop = here.loop();
            long turns = loop.turns();
            int inARow = 0;
            boolean again = true;
            while (again && !draining) {
                if (loop.turns() != turns) {
                    inARow = 0;
                } else if (++inARow == MAX_EXCHANGES_IN_A_ROW) {
                    Gevent.sleep(Duration.ZERO);
                    inARow = 0;
                }
                turns = loop.turns();
                RequestHead head = readHead();
                again = head != null && exchange(head);
            }
            out.finish();
        } catch (HttpStatusException e) {
            refuse(e);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "connection from " + remote + " ended: " + e);
        } finally {
            close();
        }
    }

    /** Whether an exchange is running (its head has been read). */
    boolean busy() {
        return busy;
    }

    /** The server is stopping: answer the running exchange with {@code Connection: close}, then end. */
    void drain() {
        draining = true;
    }

    /**
     * The server is stopping while this connection waits between exchanges: its wait for the
     * next request ends at once (the read side is shut down). A request already read into the
     * connection's buffer is still served, with {@code Connection: close}; one still in the
     * kernel's buffer is not (the read side returns end of stream, and the close with unread
     * bytes resets the client), as the JDK's {@code HttpServer.stop} drops it too.
     */
    void endIdleWait() {
        try {
            transport.socket().shutdownInput();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "connection from " + remote + " already closed: " + e);
        }
    }

    boolean draining() {
        return draining;
    }

    InetSocketAddress remoteAddress() {
        return remote;
    }

    InetSocketAddress localAddress() {
        return local;
    }

    /** The response's {@code Date} header line, CRLF included; not to be changed. */
    byte[] dateLine() {
        return here.date().headerLine();
    }

    /**
     * Waits for the next request head and parses it; {@code null} when the client closed or
     * stayed idle past the idle timeout.
     *
     * @throws HttpStatusException 408 if the head does not arrive within the header timeout,
     *         or the status of a refused head
     */
    private RequestHead readHead() throws IOException {
        for (;;) {
            in.releaseIfEmpty();
            if (in.available() == 0) {
                try {
                    if (in.fill(limits.idleTimeout()) < 0) {
                        return null;
                    }
                } catch (SocketTimeoutException e) {
                    return null;
                }
            }
            in.consume(RequestParser.leadingEmptyLines(in.array(), in.start(), in.end()));
            if (in.available() > 0) {
                return readRestOfHead();
            }
        }
    }

    private RequestHead readRestOfHead() throws IOException {
        long deadline = 0;
        int scanned = 0;
        for (;;) {
            int end = RequestParser.headEnd(in.array(), in.start(), in.end(), scanned, limits);
            if (end >= 0) {
                RequestHead head = RequestParser.parse(in.array(), in.start(), end, limits, here.targets());
                in.consume(end - in.start());
                return head;
            }
            if (scanned == 0) {
                deadline = System.nanoTime() + limits.headerTimeout().toNanos();
            }
            scanned = in.available();
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                if (in.fill(Duration.ofNanos(left)) < 0) {
                    return null;
                }
            } catch (SocketTimeoutException e) {
                throw new HttpStatusException(408, "request head not received within " + limits.headerTimeout());
            }
        }
    }

    /** Runs one exchange; whether the connection may carry another request. */
    private boolean exchange(RequestHead head) throws IOException {
        busy = true;
        Context context = server.contexts().find(head.uri().getPath());
        Exchange exchange = new Exchange(this, head, context, in, out, limits);
        HttpExchange api = transport.tlsSession() == null ? exchange : new SecureExchange(exchange, transport.tlsSession());
        boolean failed = false;
        try {
            if (context == null || context.getHandler() == null) {
                exchange.sendStatusPage(404, true);
            } else {
                Dispatcher.dispatch(context, api, exchange);
                if (!exchange.responseStarted()) {
                    LOG.log(Level.WARNING, () -> "handler for " + head.requestLine() + " sent no response: 500");
                    exchange.sendStatusPage(500, false);
                }
            }
        } catch (Exception e) {
            failed = true;
            int status = e instanceof HttpStatusException s ? s.status() : 500;
            if (status == 500) {
                LOG.log(Level.WARNING, "handler for " + head.requestLine() + " from " + remote + " failed", e);
            }
            if (!exchange.responseStarted()) {
                exchange.sendStatusPage(status, false);
            }
        }
        boolean again;
        try {
            again = !failed && exchange.finish(DRAIN_LIMIT);
        } catch (IOException e) {
            again = false;
        }
        if (again && in.available() > 0) {
            out.endResponse(true);
        } else {
            out.finish();
        }
        busy = false;
        if (AccessLog.enabled()) {
            HttpPrincipal p = exchange.getPrincipal();
            AccessLog.log(remote, p == null ? null : p.getUsername(), here.date().logTimestamp(),
                    head.requestLine(), exchange.getResponseCode(), exchange.bodyBytesSent());
        }
        return again;
    }

    /** Answers a refused request head with its status, then lets the client read it before closing. */
    private void refuse(HttpStatusException e) {
        LOG.log(Level.DEBUG, () -> "refused a request from " + remote + ": " + e.getMessage());
        try {
            Headers headers = new ResponseHeaders();
            headers.set("Connection", "close");
            headers.set("Content-length", "0");
            ResponseHead.write(out, e.status(), headers, dateLine());
            out.finish();
            if (AccessLog.enabled()) {
                AccessLog.log(remote, null, here.date().logTimestamp(), "-", e.status(), 0);
            }
            transport.socket().shutdownOutput();
            in.release();
            byte[] sink = new byte[1];
            long deadline = System.nanoTime() + LINGER.toNanos();
            for (int n = 0; n < 64 && System.nanoTime() < deadline; n++) {
                if (in.read(sink, 0, 1, LINGER) < 0) {
                    break;
                }
                in.consume(in.available());
            }
        } catch (IOException ignored) {
            // the client went away first: nothing more to tell it
        }
    }

    /**
     * Closes the socket and gives the buffers back; output held for a pipelined response
     * gets what the socket takes at once. Idempotent.
     */
    private void close() {
        in.release();
        out.close();
        try {
            transport.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing connection from " + remote + ": " + e);
        }
        here.remove(this);
    }
}
