package io.gevent4j.examples;

import io.gevent4j.socket.UdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The UDP echo server's client ({@code ./gevent4j run udp-client [PORT] [MESSAGE]}): sends
 * one datagram to 127.0.0.1:PORT (9000 by default) and prints the reply, waiting at most
 * five seconds for it.
 */
public final class UdpClient {

    private UdpClient() {
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress server = Examples.loopback(args, 0, 9000);
        String message = args.length > 1 ? args[1] : "Hello, UDP";
        try (UdpSocket socket = UdpSocket.open(StandardProtocolFamily.INET)) {
            socket.setTimeout(Duration.ofSeconds(5));
            System.out.println("Sending " + message.length() + " bytes to "
                    + server.getAddress().getHostAddress() + ":" + server.getPort());
            socket.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), server);
            ByteBuffer reply = ByteBuffer.allocate(8192);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                System.out.println("No reply within 5 s: is the server running (./gevent4j run udp-echo)?");
                System.exit(1);
            }
            System.out.println("Received: " + new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
    }
}
