package io.gevent4j.http;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A connection holds a pooled buffer only while it has unread bytes: idle, it holds none;
 * and before it waits for bytes it sends the output it held back.
 */
class ConnectionInputTest {

    /** A connection's input and output over an accepted socket, and the client at its other end. */
    private record Connected(StreamSocket client, BufferPool pool, ConnectionOutput out, ConnectionInput in) {
    }

    @FunctionalInterface
    private interface Body {
        void run(Connected c) throws Exception;
    }

    /** Runs {@code body} in a greenlet over a fresh connection, and waits for it. */
    private static void onConnection(Body body) throws Exception {
        Gevent.spawn(() -> {
            try (ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 StreamSocket client = StreamSocket.open(listener.getLocalAddress());
                 StreamSocket accepted = listener.accept()) {
                BufferPool pool = new BufferPool();
                Transport transport = new Transport(accepted, null);
                ConnectionOutput out = new ConnectionOutput(transport, pool, Duration.ofSeconds(20));
                body.run(new Connected(client, pool, out, new ConnectionInput(transport, out, pool,
                        ByteBuffer.allocateDirect(BufferPool.SIZE))));
            }
            return null;
        }).get();
    }

    @Test
    void anIdleConnectionHoldsNoBufferAndTheArrayIsReused() throws Exception {
        onConnection(c -> {
            ConnectionInput in = c.in();
            assertNull(in.array(), "nothing held before the first byte");

            c.client().sendAll("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(16, in.fill(Duration.ofSeconds(20)));
            byte[] held = in.array();
            assertNotNull(held);
            in.consume(10);
            in.releaseIfEmpty();
            assertSame(held, in.array(), "kept while bytes are unread");

            in.consume(in.available());
            in.releaseIfEmpty();
            assertNull(in.array(), "given back once everything was consumed");
            assertSame(held, c.pool().acquire(), "the pool hands the same array out again");
        });
    }

    @Test
    void heldBackOutputLeavesBeforeTheConnectionWaitsToRead() throws Exception {
        onConnection(c -> {
            byte[] pooled = c.pool().acquire();
            c.pool().release(pooled);
            byte[] response = "first response".getBytes(StandardCharsets.US_ASCII);
            c.out().write(response, 0, response.length); // takes the pooled array
            Greenlet<byte[]> peer = Gevent.spawn(() -> {
                byte[] seen = c.client().recv(64);
                c.client().sendAll("next".getBytes(StandardCharsets.US_ASCII));
                return seen;
            });
            ConnectionInput in = c.in();
            assertEquals(4, in.fill(Duration.ofSeconds(20)), "the peer answered what it could only see once the output left");
            assertEquals("next", new String(in.array(), in.start(), in.available(), StandardCharsets.US_ASCII));
            assertEquals("first response", new String(peer.get(), StandardCharsets.US_ASCII));
            assertSame(pooled, in.array(), "the output gave its array back before the read took one");
        });
    }
}
