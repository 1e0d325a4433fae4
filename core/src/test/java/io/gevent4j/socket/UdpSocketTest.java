package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UdpSocketTest {

    @Test
    void datagramEchoAndTimeouts() {
        FreshHub.run(() -> {
            try (UdpSocket server = UdpSocket.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(Net.LOOPBACK, 0));
                 UdpSocket client = UdpSocket.open(StandardProtocolFamily.INET)) {
                Greenlet<Void> echo = Gevent.spawn(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(1500);
                    for (int i = 0; i < 3; i++) {
                        SocketAddress from = server.receive(buf.clear());
                        server.send(buf.flip(), from);
                    }
                    return null;
                });
                for (int i = 0; i < 2; i++) {
                    client.send(ByteBuffer.wrap(("ping " + i).getBytes(StandardCharsets.US_ASCII)), server.getLocalAddress());
                    ByteBuffer reply = ByteBuffer.allocate(100);
                    assertEquals(server.getLocalAddress(), client.receive(reply));
                    assertEquals("ping " + i, new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII));
                }
                client.connect(server.getLocalAddress());
                client.write(ByteBuffer.wrap("connected".getBytes()));
                ByteBuffer reply = ByteBuffer.allocate(100);
                assertEquals(9, client.read(reply));
                echo.get();
                client.setTimeout(Duration.ofMillis(30));
                assertThrows(SocketTimeoutException.class, () -> client.read(ByteBuffer.allocate(10)));
            }
        });
    }

    @Test
    void zeroLengthDatagramsAreReceived() {
        FreshHub.run(() -> {
            try (UdpSocket a = UdpSocket.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(Net.LOOPBACK, 0));
                 UdpSocket b = UdpSocket.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(Net.LOOPBACK, 0))) {
                ByteBuffer buf = ByteBuffer.allocate(10);
                a.send(ByteBuffer.allocate(0), b.getLocalAddress());
                assertEquals(a.getLocalAddress(), b.receive(buf));
                assertEquals(0, buf.position());
                b.connect(a.getLocalAddress());
                Greenlet<Integer> reading = Gevent.spawn(() -> b.read(ByteBuffer.allocate(10)));
                Gevent.sleep(0.01);
                a.send(ByteBuffer.allocate(0), b.getLocalAddress());
                assertEquals(0, reading.get(), "an empty datagram is a datagram");
                b.setTimeout(Duration.ZERO);
                assertThrows(SocketTimeoutException.class, () -> b.read(ByteBuffer.allocate(10)), "nothing more");
            }
        });
    }
}
