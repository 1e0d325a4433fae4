package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link ChannelWaiter#awaitUntilInterrupted}: the wait of code that keeps the JDK's
 * semantics of interrupts (the patched {@code java.net.Socket}) ends on the user's
 * {@link Thread#interrupt()} with the status still set, times out and takes a kill as
 * {@link ChannelWaiter#await} does, and leaves the waiter usable.
 */
class ChannelWaiterInterruptTest {

    @Test
    void anInterruptEndsTheWaitAndLeavesItsStatusAndTheWaiterUsable() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                source.configureBlocking(false);
                Greenlet<String> waiting = Gevent.spawn(() -> {
                    try (ChannelWaiter w = ChannelWaiter.forReading(source)) {
                        Thread.currentThread().interrupt();
                        assertFalse(w.awaitUntilInterrupted(null), "an interrupt set before the call ends it");
                        assertTrue(Thread.interrupted(), "the status is left set for the caller");
                        Thread me = Thread.currentThread();
                        Gevent.spawn(me::interrupt);
                        assertFalse(w.awaitUntilInterrupted(Duration.ofSeconds(60)), "an interrupt while it waits ends it");
                        assertTrue(Thread.interrupted());
                        assertThrows(SocketTimeoutException.class, () -> w.awaitUntilInterrupted(Duration.ofMillis(10)));
                        assertFalse(Thread.currentThread().isInterrupted(), "a timeout is no interrupt");
                        Gevent.spawn(() -> sink.write(ByteBuffer.wrap(new byte[] {7})));
                        assertTrue(w.awaitUntilInterrupted(null), "readiness ends it");
                        return "done";
                    }
                });
                assertEquals("done", waiting.get());
            }
        });
    }

    @Test
    void aTimeoutIsThrownNotTakenForTheUsersInterrupt() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                source.configureBlocking(false);
                Greenlet<Boolean> waiting = Gevent.spawn(() -> {
                    try (ChannelWaiter w = ChannelWaiter.forReading(source)) {
                        Timeout t = Timeout.start(Duration.ofMillis(20));
                        assertSame(t, assertThrows(Timeout.class, () -> w.awaitUntilInterrupted(null)));
                        return Thread.currentThread().isInterrupted();
                    }
                });
                assertFalse(waiting.get(), "the Timeout's own interrupt is consumed with it");
            }
        });
    }
}
