package io.gevent4j.examples;

import com.sun.net.httpserver.HttpServer;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.StreamSocket;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The demonstration's last part: an HTTP server (an unmodified JDK {@code HttpServer}
 * program, served by gevent4j's server because it is created in a greenlet) and the echo
 * {@link StreamServer} on one hub, driven at once by green HTTP clients (keep-alive
 * requests over gevent4j sockets) and green echo clients, all on the hub's one OS thread.
 * Runs in the main greenlet of the calling platform thread's hub.
 */
final class ServersDemo {

    /** One access-log line per request would drown the figures; held here, as JUL keeps loggers weakly. */
    private static final Logger ACCESS_LOG = Logger.getLogger("io.gevent4j.http.access");
    private static final byte[] HELLO = "Hello, World!\n".getBytes(StandardCharsets.UTF_8);

    private long httpServed;
    private long echoBytes;

    private ServersDemo() {
    }

    /** Runs {@code clients} HTTP clients and as many echo clients, {@code requests} each. */
    static void run(int clients, int requests) throws IOException {
        System.out.printf("5. An HTTP server (the JDK's HttpServer API) and the echo server on one hub, %,d green HTTP"
                + " clients and %,d green echo clients at once, %d requests each:%n", clients, clients, requests);
        new ServersDemo().serve(clients, requests);
    }

    private void serve(int clients, int requests) throws IOException {
        ACCESS_LOG.setLevel(Level.WARNING);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        HttpServer http = Gevent.spawn(() -> {
            HttpServer server = HttpServer.create(loopback, clients);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.sendResponseHeaders(200, HELLO.length);
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(HELLO);
                    }
                    httpServed++;
                }
            });
            server.start();
            return server;
        }).get();
        StreamServer echo = new StreamServer(loopback, (socket, address) -> {
            long bytes = echoBack(socket);
            echoBytes += bytes;
        }).backlog(clients).start();
        long start = System.nanoTime();
        List<Greenlet<Void>> talkers = new ArrayList<>(2 * clients);
        for (int i = 0; i < clients; i++) {
            talkers.add(Gevent.spawn(() -> httpClient(http.getAddress(), requests)));
            talkers.add(Gevent.spawn(() -> echoClient(echo.address(), requests)));
        }
        Gevent.joinAll(talkers);
        double seconds = (System.nanoTime() - start) / 1e9;
        int osThreads = ManagementFactory.getThreadMXBean().getThreadCount();
        long failed = talkers.stream().filter(g -> !g.successful()).count();
        echo.stop();
        http.stop(0);
        long served = httpServed + echoBytes / 64;
        System.out.printf(Locale.ROOT, "   %,d HTTP requests and %,d echo round trips served in %.2f s: %,.0f per second;"
                        + " %d clients failed%n   %d OS threads in the JVM (the JDK's own included); every greenlet"
                        + " ran on '%s'%n", httpServed, echoBytes / 64, seconds, served / seconds,
                failed, osThreads, Hub.current().carrierThread().getName());
    }

    private static long echoBack(StreamSocket connection) throws IOException {
        long bytes = 0;
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        for (int n; (n = connection.read(buffer.clear())) > 0; ) {
            connection.sendAll(buffer.flip());
            bytes += n;
        }
        return bytes;
    }

    /** {@code requests} 64-byte round trips over one connection. */
    private static Void echoClient(SocketAddress address, int requests) throws IOException {
        try (StreamSocket socket = StreamSocket.open(address)) {
            ByteBuffer message = ByteBuffer.allocate(64);
            ByteBuffer reply = ByteBuffer.allocate(64);
            for (int i = 0; i < requests; i++) {
                socket.sendAll(message.clear());
                reply.clear();
                while (reply.hasRemaining()) {
                    if (socket.read(reply) < 0) {
                        throw new IOException("the echo server closed the connection");
                    }
                }
            }
        }
        return null;
    }

    /** {@code requests} keep-alive GETs over one connection, each answer read whole. */
    private static Void httpClient(InetSocketAddress address, int requests) throws IOException {
        byte[] request = ("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (StreamSocket socket = StreamSocket.open(address)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < requests; i++) {
                socket.sendAll(request);
                in.skipNBytes(contentLength(in));
            }
        }
        return null;
    }

    /** Reads a response's head, which must be a 200, and returns its Content-Length. */
    private static long contentLength(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200 ")) {
            throw new IOException("unexpected answer: " + status);
        }
        long length = -1;
        for (String header; !(header = line(in)).isEmpty(); ) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Long.parseLong(header.substring(15).strip());
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length");
        }
        return length;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the HTTP server closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
