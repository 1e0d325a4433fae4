package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.UdpSocket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatagramServerTest {

    private static String exchange(UdpSocket client, SocketAddress server, String text) throws Exception {
        client.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), server);
        ByteBuffer reply = ByteBuffer.allocate(1024);
        client.receive(reply);
        return new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
    }

    @Test
    void echoesDatagramsAndReportsAFailingHandlerWithTheSender() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int greenletsBefore = hub.greenletCount();
            List<String> reports = new ArrayList<>();
            hub.setErrorHandler((context, error) -> reports.add(context + " | " + error));
            DatagramServer[] server = new DatagramServer[1];
            server[0] = new DatagramServer(StreamServerTest.ANY_LOOPBACK_PORT, (data, from) -> {
                if (data.get(data.position()) == '!') {
                    throw new IllegalArgumentException("refused");
                }
                server[0].sendTo(data, from);
            });
            assertThrows(IllegalStateException.class,
                    () -> server[0].sendTo(ByteBuffer.allocate(1), StreamServerTest.ANY_LOOPBACK_PORT));
            server[0].start();
            SocketAddress address = server[0].address();
            assertNotEquals(0, ((InetSocketAddress) address).getPort());

            try (UdpSocket client = UdpSocket.open(StandardProtocolFamily.INET)) {
                client.bind(StreamServerTest.ANY_LOOPBACK_PORT);
                client.setTimeout(Duration.ofSeconds(10));
                assertEquals("one", exchange(client, address, "one"));
                client.send(ByteBuffer.wrap("!bad".getBytes(StandardCharsets.UTF_8)), address);
                assertEquals("two", exchange(client, address, "two"), "the server goes on after a failing handler");
                assertEquals(1, reports.size(), reports.toString());
                assertTrue(reports.get(0).contains(client.getLocalAddress().toString()), reports.toString());
                assertTrue(reports.get(0).contains("refused"), reports.toString());
            }
            server[0].stop();
            assertTrue(server[0].isClosed());
            assertFalse(server[0].isStarted());
            Gevent.sleep(0.01);
            assertEquals(greenletsBefore, hub.greenletCount(), "no greenlet left");
        });
    }

    @Test
    void aFullPoolLeavesDatagramsInTheSocketUntilAHandlerEnds() {
        FreshHub.run(() -> {
            Event release = new Event();
            int[] running = {0};
            int[] most = {0};
            DatagramServer[] server = new DatagramServer[1];
            server[0] = new DatagramServer(StreamServerTest.ANY_LOOPBACK_PORT, (data, from) -> {
                running[0]++;
                most[0] = Math.max(most[0], running[0]);
                release.await();
                server[0].sendTo(data, from);
                running[0]--;
            }).maxConcurrency(1).start();
            try (UdpSocket client = UdpSocket.open(StandardProtocolFamily.INET)) {
                client.bind(StreamServerTest.ANY_LOOPBACK_PORT);
                client.setTimeout(Duration.ofSeconds(10));
                for (String text : List.of("a", "b", "c")) {
                    client.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), server[0].address());
                }
                StreamServerTest.awaitCount(running, 1);
                Gevent.sleep(0.1);
                assertEquals(1, running[0], "one handler at a time");
                release.set();
                List<String> replies = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    ByteBuffer reply = ByteBuffer.allocate(16);
                    client.receive(reply);
                    replies.add(new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
                }
                assertEquals(List.of("a", "b", "c"), replies, "every datagram handled, in order");
                assertEquals(1, most[0]);
            }
            server[0].stop();
        });
    }
}
