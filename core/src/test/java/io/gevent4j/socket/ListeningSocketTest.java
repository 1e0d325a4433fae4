package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.gevent4j.socket.Net.LOOPBACK;
import static io.gevent4j.socket.Net.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ListeningSocket}'s {@code SO_REUSEPORT} binding and the hand-off of accepted channels between hubs. */
class ListeningSocketTest {

    @Test
    void socketsBoundWithReusePortShareAnAddressAndEachGetsConnections() {
        FreshHub.run(() -> {
            try (ListeningSocket first = ListeningSocket.bindReusePort(new InetSocketAddress(LOOPBACK, 0), 128);
                 ListeningSocket second = ListeningSocket.bindReusePort(addressOf(first), 128)) {
                assertEquals(addressOf(first), addressOf(second));
                assertThrows(BindException.class, () -> ListeningSocket.bind(addressOf(first)).close(),
                        "a socket without SO_REUSEPORT cannot join them");
                int[] accepted = new int[2];
                for (int i = 0; i < 64 && (accepted[0] == 0 || accepted[1] == 0); i++) {
                    try (StreamSocket client = StreamSocket.open(addressOf(first))) {
                        accepted[acceptOnEither(first, second)]++;
                    }
                }
                assertTrue(accepted[0] > 0 && accepted[1] > 0, "the kernel spread 64 connections over both sockets");
            }
        });
    }

    /** Accepts (and closes) the next connection on {@code a} or {@code b}: 0 or 1 says which; fails after 10 s. */
    private static int acceptOnEither(ListeningSocket a, ListeningSocket b) throws Exception {
        var ready = Select.select(List.of(a, b), List.of(), Duration.ofSeconds(10)).readable();
        if (ready.isEmpty()) {
            throw new AssertionError("no connection arrived on either socket");
        }
        ready.get(0).accept().close();
        return ready.get(0) == a ? 0 : 1;
    }

    @Test
    void reusePortNeedsATcpAddress() {
        FreshHub.run(() -> assertThrows(UnsupportedOperationException.class,
                () -> ListeningSocket.bindReusePort(UnixDomainSocketAddress.of(Path.of("/tmp/gevent4j-never")), 128)));
    }

    @Test
    void aChannelAcceptedOnOneHubIsAdoptedByAnother() {
        try (HubGroup hubs = HubGroup.start(1)) {
            Hub other = hubs.hubs().get(0);
            FreshHub.run(() -> {
                try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                     StreamSocket client = StreamSocket.open((InetSocketAddress) server.getLocalAddress())) {
                    SocketChannel accepted = server.accept(); // blocking: the connection is there
                    assertTrue(accepted.isOpen());
                    Greenlet<String> echo = Gevent.spawnOn(other, () -> {
                        try (StreamSocket adopted = StreamSocket.adopt(accepted)) {
                            assertFalse(accepted.isBlocking(), "the adopted channel waits on the hub's selector");
                            byte[] got = adopted.recv(16);
                            adopted.sendAll(got);
                            return Hub.current() == other ? new String(got) : "wrong hub";
                        }
                    });
                    client.sendAll("ping".getBytes());
                    ByteBuffer back = ByteBuffer.allocate(4);
                    client.setTimeout(Duration.ofSeconds(10));
                    while (back.hasRemaining()) {
                        client.read(back);
                    }
                    assertEquals("ping", echo.get());
                    assertEquals("ping", new String(back.array()));
                }
            });
        }
    }

    @Test
    void aDetachedConnectionAcceptedOnOneHubIsAdoptedByAnother() {
        try (HubGroup hubs = HubGroup.start(1)) {
            Hub other = hubs.hubs().get(0);
            FreshHub.run(() -> {
                try (ListeningSocket server = Net.listen();
                     StreamSocket client = StreamSocket.open(addressOf(server))) {
                    DetachedSocket accepted = server.acceptDetached();
                    assertEquals(client.getLocalAddress(), accepted.remoteAddress());
                    Greenlet<String> echo = Gevent.spawnOn(other, () -> {
                        try (StreamSocket adopted = StreamSocket.adopt(accepted)) {
                            byte[] got = adopted.recv(16);
                            adopted.sendAll(got);
                            return Hub.current() == other ? new String(got) : "wrong hub";
                        }
                    });
                    client.sendAll("ping".getBytes());
                    client.setTimeout(Duration.ofSeconds(10));
                    ByteBuffer back = ByteBuffer.allocate(4);
                    while (back.hasRemaining()) {
                        client.read(back);
                    }
                    assertEquals("ping", echo.get());
                    assertEquals("ping", new String(back.array()));
                    assertThrows(IllegalStateException.class, () -> StreamSocket.adopt(accepted),
                            "a connection is adopted once");
                    accepted.close(); // adopted: the socket owns it, closing the detached value does nothing
                }
            });
        }
    }

    @Test
    void aDetachedConnectionClosedUnadoptedClosesTheConnectionAndCannotBeAdopted() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen();
                 StreamSocket client = StreamSocket.open(addressOf(server))) {
                DetachedSocket accepted = server.acceptDetached();
                accepted.close();
                accepted.close();
                client.setTimeout(Duration.ofSeconds(10));
                assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the peer sees the close");
                assertThrows(IllegalStateException.class, () -> StreamSocket.adopt(accepted));
            }
        });
    }
}
