package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watchers that share a channel's key: its attachment, its interest set, its release. */
class IoWatcherTest {

    @Test
    void aLoneWatcherIsItsKeysAttachmentAndClosingItCancelsTheKey() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            try (Connection c = new Connection()) {
                IoWatcher reader = loop.io(c.accepted, SelectionKey.OP_READ);
                reader.start(() -> { });
                SelectionKey key = c.accepted.keyFor(loop.selector);
                assertSame(reader, key.attachment());
                assertEquals(SelectionKey.OP_READ, key.interestOps());
                reader.close();
                assertFalse(key.isValid(), "the last watcher of the key closed: cancelled");
            }
        });
    }

    @Test
    void theInterestSetIsTheUnionOfTheStartedWatchersOnTheKey() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            try (Connection c = new Connection()) {
                IoWatcher reader = loop.io(c.accepted, SelectionKey.OP_READ);
                IoWatcher writer = loop.io(c.accepted, SelectionKey.OP_WRITE);
                reader.start(() -> { });
                writer.start(() -> { });
                SelectionKey key = c.accepted.keyFor(loop.selector);
                assertEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, key.interestOps());
                writer.stop();
                assertEquals(SelectionKey.OP_READ, key.interestOps());
                reader.close();
                assertTrue(key.isValid(), "the stopped writer still uses the key");
                assertSame(writer, key.attachment(), "the first watcher closed: the next one holds the key");
                assertEquals(0, key.interestOps());
                writer.start(() -> { });
                assertEquals(SelectionKey.OP_WRITE, key.interestOps());
                writer.close();
                assertFalse(key.isValid());
            }
        });
    }

    @Test
    void closingAnyWatcherOfTheKeyLeavesTheOthersFiring() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            try (Connection c = new Connection()) {
                c.client.write(ByteBuffer.wrap(new byte[] {42}));
                int[] fired = new int[3];
                IoWatcher[] watchers = new IoWatcher[fired.length];
                for (int i = 0; i < watchers.length; i++) {
                    int n = i;
                    watchers[i] = loop.io(c.accepted, SelectionKey.OP_READ);
                    watchers[i].start(() -> fired[n]++);
                }
                watchers[1].close();
                watchers[0].close();
                io.gevent4j.Gevent.sleep(0.01);
                assertEquals(0, fired[0] + fired[1]);
                assertTrue(fired[2] > 0, "the watcher left fires");
                assertEquals(SelectionKey.OP_READ, watchers[2].readyOps());
                assertEquals(java.util.List.of(watchers[2]), loop.activeWatchers().stream()
                        .filter(w -> w instanceof IoWatcher).toList());
                watchers[2].close();
            }
        });
    }

    @Test
    void aChannelWhoseKeyWasCancelledRegistersAfresh() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            try (Connection c = new Connection()) {
                IoWatcher first = loop.io(c.accepted, SelectionKey.OP_READ);
                first.start(() -> { });
                SelectionKey cancelled = c.accepted.keyFor(loop.selector);
                first.close();
                IoWatcher second = loop.io(c.accepted, SelectionKey.OP_READ);
                int[] fired = new int[1];
                second.start(() -> fired[0]++);
                SelectionKey key = c.accepted.keyFor(loop.selector);
                assertTrue(key.isValid() && key != cancelled);
                assertSame(second, key.attachment());
                c.client.write(ByteBuffer.wrap(new byte[] {42}));
                io.gevent4j.Gevent.sleep(0.01);
                assertTrue(fired[0] > 0);
                second.close();
            }
        });
    }

    /** A loopback TCP connection whose accepted end is non-blocking. */
    private static final class Connection implements AutoCloseable {
        final ServerSocketChannel server = ServerSocketChannel.open();
        final SocketChannel client;
        final SocketChannel accepted;

        Connection() throws java.io.IOException {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            client = SocketChannel.open(server.getLocalAddress());
            accepted = server.accept();
            accepted.configureBlocking(false);
        }

        @Override
        public void close() throws java.io.IOException {
            accepted.close();
            client.close();
            server.close();
        }
    }
}
