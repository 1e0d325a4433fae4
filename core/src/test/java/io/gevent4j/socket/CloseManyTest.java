package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Closing many connections at once: no poll of the selector per close, and nothing held back. */
class CloseManyTest {

    private static final int CONNECTIONS = 100;

    @Test
    void closingManyWaitedOnConnectionsPollsNoMoreAndReleasesThemAll() {
        FreshHub.run(() -> {
            List<StreamSocket> clients = new ArrayList<>();
            List<StreamSocket> servers = new ArrayList<>();
            List<Greenlet<byte[]>> readers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                StreamSocket[] pair = Net.pair();
                clients.add(pair[0]);
                servers.add(pair[1]);
                readers.add(Gevent.spawn(() -> pair[1].recv(16)));
            }
            Gevent.sleep(0.01);
            Hub hub = Hub.current();
            long pollsBefore = hub.loop().polls();
            for (StreamSocket s : servers) {
                s.close();
            }
            assertEquals(pollsBefore, hub.loop().polls(), "closing registered connections polled the selector");
            for (StreamSocket c : clients) {
                c.setTimeout(Duration.ZERO); // a read that would wait throws
                assertEquals(-1, c.read(ByteBuffer.allocate(1)), "the peer sees the end of stream at once");
            }
            for (Greenlet<byte[]> r : readers) {
                assertInstanceOf(AsynchronousCloseException.class,
                        assertThrows(CompletionException.class, r::get).getCause());
            }
            Gevent.sleep(0.01);
            for (StreamSocket s : servers) {
                if (s.isNative()) {
                    assertFalse(Files.exists(Path.of("/proc/self/fd/" + s.fd)), "the close released fd " + s.fd);
                } else {
                    assertFalse(s.channel().isRegistered(), "the loop's next poll released " + s.channel());
                }
            }
            for (StreamSocket c : clients) {
                c.close();
            }
        });
    }
}
