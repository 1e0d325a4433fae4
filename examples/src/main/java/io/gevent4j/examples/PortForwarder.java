package io.gevent4j.examples;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Sockets;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * gevent's port forwarder ({@code ./gevent4j run portforward [PORT] [TARGET_PORT]}, from
 * 127.0.0.1:8002 to 127.0.0.1:8000 by default, where {@code run echo} listens): each
 * connection gets one to the target, and one greenlet per direction copies the bytes; when
 * one side ends its stream the other side's output is shut down, and the connection ends
 * when both directions have. Runs until interrupted.
 */
public final class PortForwarder {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final SocketAddress target;

    PortForwarder(SocketAddress target) {
        this.target = target;
    }

    void handle(StreamSocket client, SocketAddress address) throws IOException {
        try (StreamSocket upstream = Sockets.createConnection(target, CONNECT_TIMEOUT, null)) {
            Greenlet<Void> up = Gevent.spawn(() -> forward(client, upstream));
            Greenlet<Void> down = Gevent.spawn(() -> forward(upstream, client));
            try {
                Gevent.joinAll(up, down);
            } finally {
                up.kill();
                down.kill();
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} until {@code from} ends, then shuts down {@code to}'s
     * output. A reset on either side closes both, which ends the other direction too.
     */
    private static Void forward(StreamSocket from, StreamSocket to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                to.sendAll(buffer);
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            from.close();
            to.close();
        }
        return null;
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress target = Examples.loopback(args, 1, 8000);
        StreamServer server = new StreamServer(Examples.loopback(args, 0, 8002), new PortForwarder(target)::handle).start();
        Examples.printListening(server.address());
        System.out.println("forwarding to " + target.getAddress().getHostAddress() + ":" + target.getPort());
        server.serveForever();
    }
}
