package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An {@link IoWait} on one channel that was closed before its first registration (another
 * thread's close, between the caller's operation that found nothing and the wait) ends at
 * once as ready, so the caller's retried operation fails as the closed channel's: a socket
 * read raced by a close from another thread threw the hub's
 * {@code IllegalStateException("channel is closed")} in about 1 of 100 races, where
 * {@code AsynchronousCloseException} or {@code ClosedChannelException} is the contract. A
 * wait on several channels still refuses a closed one.
 */
class IoWaitClosedChannelTest {

    @Test
    void aWaitOnOneChannelClosedBeforeItsFirstRegistrationEndsReady() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                source.configureBlocking(false);
                try (IoWait wait = new IoWait(Hub.current(), source, SelectionKey.OP_READ)) {
                    source.close();
                    assertTrue(wait.await(Duration.ofSeconds(60)), "ready at once");
                    assertTrue(wait.awaitUntilInterrupted(Duration.ofSeconds(60)), "ready at once");
                    Gevent.sleep(0);
                }
            }
        });
    }

    @Test
    void aWaitOnSeveralChannelsStillRefusesAClosedOne() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                source.configureBlocking(false);
                sink.configureBlocking(false);
                try (IoWait wait = new IoWait(Hub.current(), new SelectableChannel[] {sink, source},
                        new int[] {0, SelectionKey.OP_READ})) {
                    source.close();
                    assertThrows(IllegalStateException.class, () -> wait.await(Duration.ofSeconds(60)));
                }
            }
        });
    }
}
