package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Loop#closeChannel} from a thread other than the hub's, while the hub's thread does not answer. */
class LoopForeignCloseTest {

    private static Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    /**
     * The hub's thread is kept busy for a second, so the foreign close selects itself after
     * 100 ms, finding the readiness of another channel that it does not dispatch: the hub's
     * next select still reports it, and the greenlet waiting on that channel wakes.
     */
    @Test
    void aForeignCloseThatSelectsItselfKeepsTheReadinessOfOtherChannels() throws Exception {
        Pipe closing = pipe();
        Pipe other = pipe();
        try (HubGroup hubs = HubGroup.start(1)) {
            Hub hub = hubs.hubs().getFirst();
            CountDownLatch busy = new CountDownLatch(1);
            Greenlet<Boolean> onClosing = Gevent.spawnOn(hub, () -> {
                try (IoWait wait = new IoWait(Hub.current(), closing.source(), SelectionKey.OP_READ)) {
                    return wait.await(Duration.ofSeconds(2));
                }
            });
            Greenlet<Boolean> onOther = Gevent.spawnOn(hub, () -> {
                try (IoWait wait = new IoWait(Hub.current(), other.source(), SelectionKey.OP_READ)) {
                    return wait.await(Duration.ofSeconds(30));
                }
            });
            Gevent.spawnOn(hub, () -> {
                busy.countDown();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return null;
            });
            assertTrue(busy.await(30, TimeUnit.SECONDS), "the hub's thread is busy");
            other.sink().write(ByteBuffer.wrap(new byte[] {1}));
            hub.loop().closeChannel(closing.source());
            assertFalse(closing.source().isRegistered(), "the closed channel was released");
            assertTrue(onOther.get(Duration.ofSeconds(30)), "the other channel's readiness reached its waiter");
            onClosing.join(Duration.ofSeconds(30));
            assertTrue(onClosing.isDead());
        } finally {
            closing.sink().close();
            other.source().close();
            other.sink().close();
        }
    }
}
