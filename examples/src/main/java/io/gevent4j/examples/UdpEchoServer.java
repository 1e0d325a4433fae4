package io.gevent4j.examples;

import io.gevent4j.server.DatagramServer;

import java.io.IOException;

/**
 * gevent's UDP echo server ({@code ./gevent4j run udp-echo [PORT]}, port 9000 by default):
 * a {@link DatagramServer} that sends every datagram back to its sender; try it with
 * {@code ./gevent4j run udp-client}. Runs until interrupted.
 */
public final class UdpEchoServer {

    private UdpEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        DatagramServer[] server = new DatagramServer[1];
        server[0] = new DatagramServer(Examples.loopback(args, 0, 9000), (data, from) -> {
            System.out.println(from + ": got " + data.remaining() + " bytes");
            server[0].sendTo(data, from);
        });
        server[0].start();
        Examples.printListening(server[0].address());
        server[0].serveForever();
    }
}
