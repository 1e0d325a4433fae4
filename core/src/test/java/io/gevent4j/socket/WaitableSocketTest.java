package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitableSocketTest {

    @Test
    void geventWaitReturnsReadableAndClosedSocketsWithoutReading() {
        FreshHub.run(() -> {
            StreamSocket[] a = Net.pair();
            StreamSocket[] b = Net.pair();
            StreamSocket[] c = Net.pair();
            try (ListeningSocket server = Net.listen()) {
                List<AbstractSocket> all = List.of(a[0], b[0], c[0], server);
                assertEquals(List.of(), Gevent.wait(all, Duration.ofMillis(20)), "nothing readable yet");
                assertFalse(a[0].ready());
                Gevent.spawnLater(Duration.ofMillis(10), () -> {
                    try {
                        b[1].sendAll("data".getBytes());
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                });
                assertEquals(List.of(b[0]), Gevent.wait(all, null, 1));
                assertEquals(List.of(b[0]), Gevent.wait(all, Duration.ofMillis(20)), "still readable: nothing was read");
                assertEquals(4, b[0].read(ByteBuffer.allocate(10)));
                c[0].close();
                assertTrue(c[0].ready());
                StreamSocket client = StreamSocket.open(Net.addressOf(server));
                List<AbstractSocket> ready = Gevent.wait(all, Duration.ofSeconds(10), 2);
                assertEquals(2, ready.size());
                assertTrue(ready.containsAll(List.of(c[0], server)), ready.toString());
                server.accept().close();
                client.close();
            } finally {
                for (StreamSocket s : List.of(a[0], a[1], b[0], b[1], c[1])) {
                    s.close();
                }
            }
        });
    }
}
