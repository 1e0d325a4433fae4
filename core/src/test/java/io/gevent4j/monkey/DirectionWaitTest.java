package io.gevent4j.monkey;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.net.SocketException;
import java.nio.channels.Pipe;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link DirectionWait} when the channel is closed under its first wait, as another thread's
 * {@code close()} does between the socket's last check and the wait's registration in the
 * hub's selector (seen in about 1 of 1,000 reads raced by a close): the wait says
 * {@code "Socket closed"}; it neither takes the registration's failure for a kill (closing
 * the socket "by interrupt") nor leaves that failure pending for the greenlet's next call.
 */
class DirectionWaitTest {

    @Test
    void aChannelClosedUnderTheFirstWaitIsSocketClosedAndLeavesNothingPending() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                source.configureBlocking(false);
                AtomicBoolean socketClosed = new AtomicBoolean();
                DirectionWait reading = DirectionWait.reading(() -> socketClosed.set(true), source);
                source.close();
                Greenlet<String> waiter = Gevent.spawn(() -> {
                    SocketException e = assertThrows(SocketException.class, () -> reading.await(0, "Read timed out"));
                    assertDoesNotThrow(() -> Gevent.sleep(0), "nothing is left pending");
                    return e.getMessage();
                });
                assertEquals("Socket closed", waiter.get());
                assertFalse(socketClosed.get(), "no close by interrupt");
            }
        });
    }
}
