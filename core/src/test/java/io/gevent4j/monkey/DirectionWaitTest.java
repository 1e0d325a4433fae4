package io.gevent4j.monkey;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link DirectionWait} when the channel is closed under its first wait, as another thread's
 * {@code close()} does between the socket's read that found nothing and the wait's
 * registration in the hub's selector (seen in about 1 of 1,000 reads raced by a close): the
 * wait returns, so the socket's retried read fails as the closed channel's ("Socket
 * closed"). It took the hub's refusal to register a closed channel for a kill: the socket
 * closed "by interrupt", and that refusal raised into the greenlet at its next call.
 */
class DirectionWaitTest {

    @Test
    void aChannelClosedUnderTheFirstWaitEndsItAndLeavesNothingPending() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                source.configureBlocking(false);
                AtomicBoolean socketClosed = new AtomicBoolean();
                DirectionWait reading = DirectionWait.reading(() -> socketClosed.set(true), source);
                source.close();
                Greenlet<Void> waiter = Gevent.spawn(() -> {
                    reading.await(0, "Read timed out");
                    assertDoesNotThrow(() -> Gevent.sleep(0), "nothing is left pending");
                    return null;
                });
                waiter.get();
                assertFalse(socketClosed.get(), "no close by interrupt");
            }
        });
    }
}
