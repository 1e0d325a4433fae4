package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectPollTest {

    @Test
    void selectReturnsTheReadyObjects() {
        FreshHub.run(() -> {
            StreamSocket[] a = Net.pair();
            StreamSocket[] b = Net.pair();
            try (ListeningSocket server = Net.listen()) {
                var r = Select.select(List.of(a[0], b[0], server), List.<Object>of(), Duration.ofMillis(30));
                assertTrue(r.isEmpty(), "the timeout passed: " + r);
                var both = Select.select(List.of(a[0]), List.of(a[0], b[0]), Duration.ZERO);
                assertEquals(List.of(), both.readable());
                assertEquals(List.of(a[0], b[0]), both.writable(), "connected sockets can be written");
                Greenlet<Void> later = Gevent.spawnLater(Duration.ofMillis(20), () -> {
                    try {
                        b[1].sendAll("x".getBytes());
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                });
                r = Select.select(List.of(a[0], b[0], server), List.of(), null);
                assertEquals(List.of(b[0]), r.readable());
                later.join();
                try (StreamSocket c = StreamSocket.open(Net.addressOf(server))) {
                    r = Select.select(List.of(a[0], b[0], server), List.of(), Duration.ofSeconds(10));
                    assertEquals(List.of(b[0], server), r.readable(), "a pending connection makes a listener readable");
                    server.accept().close();
                }
                assertFalse(Timeout.run(Duration.ofMillis(20), () -> Select.select(List.of(a[0]), List.of(), null)));
                assertThrows(IllegalArgumentException.class, () -> Select.select(List.of("not a socket"), List.of(), Duration.ZERO));
                SocketChannel blocking = SocketChannel.open();
                assertThrows(IllegalArgumentException.class, () -> Select.select(List.of(blocking), List.of(), Duration.ZERO));
                blocking.close();
                a[1].close();
                a[0].close();
                assertThrows(IllegalArgumentException.class, () -> Select.select(List.of(a[0]), List.of(), Duration.ZERO));
            } finally {
                b[0].close();
                b[1].close();
            }
        });
    }

    @Test
    void pollReportsEventsAndClosedSources() {
        FreshHub.run(() -> {
            StreamSocket[] a = Net.pair();
            StreamSocket[] b = Net.pair();
            Poll<StreamSocket> poll = new Poll<>();
            poll.register(a[0], Poll.IN);
            poll.register(b[0]);
            var events = poll.poll(Duration.ofSeconds(10));
            assertEquals(List.of(new Poll.Event<>(b[0], Poll.OUT)), events);
            poll.modify(b[0], Poll.IN);
            assertEquals(List.of(), poll.poll(Duration.ofMillis(20)));
            a[1].sendAll("ab".getBytes());
            assertEquals(List.of(new Poll.Event<>(a[0], Poll.IN)), poll.poll(null));
            b[0].close();
            assertEquals(List.of(new Poll.Event<>(a[0], Poll.IN), new Poll.Event<>(b[0], Poll.NVAL)), poll.poll(null));
            poll.unregister(b[0]);
            assertThrows(NoSuchElementException.class, () -> poll.unregister(b[0]));
            assertThrows(NoSuchElementException.class, () -> poll.modify(b[1], Poll.IN));
            assertThrows(IllegalArgumentException.class, () -> poll.register(a[0], 0x400));
            a[0].read(ByteBuffer.allocate(8));
            assertEquals(List.of(), poll.poll(Duration.ZERO));
            a[0].close();
            a[1].close();
            b[1].close();
        });
    }

    @Test
    void tlsSocketsWithBufferedBytesAreReadable() {
        FreshHub.run(() -> {
            TestCerts certs = TestCerts.get();
            try (ListeningSocket server = Net.listen()) {
                Greenlet<Void> peer = Gevent.spawn(() -> {
                    try (TlsSocket tls = TlsSocket.server(server.accept(), certs.localhostServer)) {
                        tls.sendAll("0123456789".getBytes());
                        tls.read(ByteBuffer.allocate(1));
                    }
                    return null;
                });
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost")) {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    assertEquals(1, tls.read(one));
                    var r = Select.select(List.of(tls), List.of(), Duration.ZERO);
                    assertEquals(List.of(tls), r.readable(), "nine decrypted bytes wait in the TLS socket");
                    tls.read(ByteBuffer.allocate(9));
                    assertEquals(List.of(), Select.select(List.of(tls), List.of(), Duration.ofMillis(10)).readable());
                    tls.sendAll(new byte[1]);
                }
                peer.get();
            }
        });
    }
}
