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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection about to wait for the rest of a request holds no output array, also when its
 * held output already left while its greenlet was away (a pipelining client that sent part
 * of its next head after the connection yielded): an idle connection holds no buffer.
 */
class HeldOutputReleaseTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void aReadAboutToWaitGivesTheArrayBackOnceTheHeldOutputHasLeft() throws Exception {
        Gevent.spawn(() -> {
            try (ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 StreamSocket client = StreamSocket.open(listener.getLocalAddress());
                 StreamSocket accepted = listener.accept()) {
                client.setTimeout(LIMIT);
                BufferPool pool = new BufferPool();
                byte[] pooled = new byte[BufferPool.SIZE];
                pool.release(pooled); // the array the output will take
                Transport transport = new Transport(accepted, null, ByteBuffer.allocateDirect(BufferPool.SIZE));
                ConnectionOutput out = new ConnectionOutput(transport, pool, LIMIT, Hub.current().loop());

                byte[] response = "response".getBytes(StandardCharsets.US_ASCII);
                out.write(response, 0, response.length);
                out.endResponse(true); // held: the next request is buffered, in part
                Gevent.sleep(Duration.ZERO); // the connection yields: the hold's callback sends it
                ByteBuffer got = ByteBuffer.allocate(response.length);
                while (got.hasRemaining()) {
                    client.read(got);
                }
                assertEquals("response", new String(got.array(), StandardCharsets.US_ASCII));

                out.finishHeld(); // the read that waits for the rest of the next head
                assertTrue(pool.acquire() == pooled, "the output array is back in the pool while the connection waits");
                out.close();
            }
            return null;
        }).get();
    }
}
