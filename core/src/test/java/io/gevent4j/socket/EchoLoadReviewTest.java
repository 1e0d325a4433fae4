package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many connections between two hubs, each connection writing and reading at once (a reader
 * and a writer waiting on one descriptor), messages of every size from one byte to several
 * kernel buffers: every byte comes back, none of the waits is lost. Bounded in count (40
 * connections, 15 messages each) and in time (each wait 20 s).
 */
class EchoLoadReviewTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int CONNECTIONS = 40;
    private static final int MESSAGES = 15;

    @Test
    void fortyConnectionsEchoEveryByteWhileWritingAndReadingAtOnce() throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Thread server = Thread.ofPlatform().name("echo-server").start(() -> FreshHub.run(() -> {
            try (ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress(Net.LOOPBACK, 0), 256)) {
                bound.complete(Net.addressOf(listener));
                Greenlet<Void> acceptor = Gevent.spawn(() -> {
                    while (true) {
                        StreamSocket c = listener.accept();
                        c.setTimeout(BOUND);
                        Gevent.spawn(() -> {
                            try (c) {
                                byte[] data;
                                while ((data = c.recv(4096)).length > 0) {
                                    c.sendAll(data);
                                }
                            }
                            return null;
                        });
                    }
                });
                while (!stop.isDone()) {
                    Gevent.sleep(0.01);
                }
                acceptor.kill();
            }
        }));
        InetSocketAddress address = bound.get();
        try {
            FreshHub.run(() -> {
                List<Greenlet<Void>> clients = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    long seed = i;
                    clients.add(Gevent.spawn(() -> {
                        SplittableRandom random = new SplittableRandom(seed);
                        try (StreamSocket s = StreamSocket.open(address)) {
                            s.setTimeout(BOUND);
                            for (int m = 0; m < MESSAGES; m++) {
                                int size = random.nextInt(4) == 0 ? 1 + random.nextInt(300_000) : 1 + random.nextInt(5_000);
                                byte[] sent = new byte[size];
                                random.nextBytes(sent);
                                Greenlet<Void> writer = Gevent.spawn(() -> {
                                    s.sendAll(sent);
                                    return null;
                                });
                                byte[] got = new byte[size];
                                ByteBuffer into = ByteBuffer.wrap(got);
                                while (into.hasRemaining()) {
                                    if (s.read(into) < 0) {
                                        throw new AssertionError("end of stream after " + into.position() + " of " + size);
                                    }
                                }
                                writer.get();
                                assertArrayEquals(sent, got);
                            }
                        }
                        return null;
                    }));
                }
                for (Greenlet<Void> c : clients) {
                    c.get();
                }
                assertEquals(CONNECTIONS, clients.size());
            });
        } finally {
            stop.complete(null);
            server.join();
        }
    }
}
