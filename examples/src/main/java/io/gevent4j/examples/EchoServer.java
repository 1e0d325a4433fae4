package io.gevent4j.examples;

import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.StreamSocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The seed's echo server ({@code ./gevent4j run echo [PORT]}, port 8000 by default): a
 * {@link StreamServer} whose handler reads lines through the socket's stream view and sends
 * each one back, one greenlet per connection, all on the main thread's hub. Runs until
 * interrupted.
 */
public final class EchoServer {

    private EchoServer() {
    }

    /** Sends every line read from {@code socket} back to it, until the peer closes. */
    static void handle(StreamSocket socket, SocketAddress address) throws IOException {
        var lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            socket.sendAll((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    public static void main(String[] args) throws IOException {
        StreamServer server = new StreamServer(Examples.loopback(args, 0, 8000), EchoServer::handle).start();
        Examples.printListening(server.address());
        server.serveForever();
    }
}
