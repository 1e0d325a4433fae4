package io.gevent4j.http;

import io.gevent4j.Gevent;
import io.gevent4j.hub.Hub;
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

/** A connection holds a pooled buffer only while it has unread bytes: idle, it holds none. */
class ConnectionInputTest {

    @Test
    void anIdleConnectionHoldsNoBufferAndTheArrayIsReused() throws Exception {
        Gevent.spawn(() -> {
            try (ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 StreamSocket client = StreamSocket.open(listener.getLocalAddress());
                 StreamSocket accepted = listener.accept()) {
                BufferPool pool = new BufferPool();
                Transport transport = new Transport(accepted, null, ByteBuffer.allocateDirect(BufferPool.SIZE));
                ConnectionOutput out = new ConnectionOutput(transport, pool, Duration.ofSeconds(20), Hub.current().loop());
                ConnectionInput in = new ConnectionInput(transport, out, pool, ByteBuffer.allocateDirect(BufferPool.SIZE));
                assertNull(in.array(), "nothing held before the first byte");

                client.sendAll("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(16, in.fill(Duration.ofSeconds(20)));
                byte[] held = in.array();
                assertNotNull(held);
                in.consume(10);
                in.releaseIfEmpty();
                assertSame(held, in.array(), "kept while bytes are unread");

                in.consume(in.available());
                in.releaseIfEmpty();
                assertNull(in.array(), "given back once everything was consumed");
                assertSame(held, pool.acquire(), "the pool hands the same array out again");
            }
            return null;
        }).get();
    }
}
