package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitTest {

    @Test
    void waitReadAndWriteOnPlainChannels() {
        FreshHub.run(() -> {
            try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(Net.LOOPBACK, 0));
                 SocketChannel client = SocketChannel.open()) {
                server.configureBlocking(false);
                client.configureBlocking(false);
                client.connect(server.getLocalAddress());
                Sockets.waitWrite(client, Duration.ofSeconds(10));
                assertTrue(client.finishConnect());
                Sockets.waitRead(server, Duration.ofSeconds(10));
                try (SocketChannel accepted = server.accept()) {
                    accepted.configureBlocking(false);
                    var e = assertThrows(SocketTimeoutException.class, () -> Sockets.waitRead(accepted, Duration.ofMillis(30)));
                    assertEquals("timed out", e.getMessage());
                    Greenlet<Void> waiter = Gevent.spawn(() -> {
                        Sockets.waitRead(accepted, null);
                        return null;
                    });
                    Gevent.sleep(0.01);
                    assertFalse(waiter.ready());
                    Sockets.waitWrite(client, null);
                    client.write(ByteBuffer.wrap(new byte[] {1}));
                    waiter.get();
                    Sockets.waitReadWrite(accepted, Duration.ZERO);
                    Gevent.sleep(0.01);
                    assertFalse(accepted.isRegistered(), "no registration left behind by the waits");
                }
            }
        });
    }

    @Test
    void cancelWaitAndTimeoutBlocksEndWaitsCleanly() {
        FreshHub.run(() -> {
            java.util.List<Throwable> reported = new java.util.ArrayList<>();
            io.gevent4j.hub.Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            ListeningSocket server = Net.listen();
            SocketChannel ch = SocketChannel.open(Net.addressOf(server));
            StreamSocket accepted = server.accept();
            try {
                ch.configureBlocking(false);
                Greenlet<Void> a = Gevent.spawn(() -> {
                    Sockets.waitRead(ch, null);
                    return null;
                });
                Greenlet<Void> b = Gevent.spawn(() -> {
                    Sockets.waitRead(ch, null);
                    return null;
                });
                Gevent.sleep(0.01);
                assertEquals(2, Sockets.cancelWait(ch));
                for (Greenlet<Void> g : java.util.List.of(a, b)) {
                    var e = assertThrows(CompletionException.class, g::get);
                    assertInstanceOf(AsynchronousCloseException.class, e.getCause());
                }
                assertEquals(2, reported.size());
                assertEquals(0, Sockets.cancelWait(ch));
                assertFalse(Timeout.run(Duration.ofMillis(20), () -> {
                    try {
                        Sockets.waitRead(ch, null);
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }));
                Gevent.sleep(0.01);
                assertFalse(ch.isRegistered(), "the interrupted wait left no registration");
                SocketChannel blocking = SocketChannel.open();
                assertThrows(IllegalArgumentException.class, () -> Sockets.waitRead(blocking, null));
                blocking.close();
            } finally {
                ch.close();
                accepted.close();
                server.close();
            }
        });
    }
}
