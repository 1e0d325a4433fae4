package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;

import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * The wait under {@link Select} and {@link Poll}: blocks the greenlet until some of several
 * channels are ready for their operations, or a timeout passes, through one {@link IoWait}
 * over all of them, closed in a {@code finally} so a kill or {@code Timeout} leaves no
 * registration behind. Every channel found ready in the loop iteration that ends the wait
 * is reported. Hub-thread only.
 */
final class ReadinessWait {

    private ReadinessWait() {
    }

    /**
     * Waits until some entry is ready, {@code timeout} passes ({@code null}: no limit,
     * zero: one look at the loop), or at once if {@code readyNow}.
     *
     * @return the ready {@link java.nio.channels.SelectionKey} operations of each entry, 0 if not ready
     * @throws IllegalArgumentException if a channel is closed or in blocking mode, or an
     *         operation is not valid for it
     */
    static int[] await(SelectableChannel[] channels, int[] ops, Duration timeout, boolean readyNow) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        for (SelectableChannel ch : channels) {
            if (!ch.isOpen()) {
                throw new IllegalArgumentException("closed channel: " + ch);
            }
        }
        int[] ready = new int[channels.length];
        try (IoWait wait = new IoWait(Hub.current(), channels, ops)) {
            wait.await(readyNow ? Duration.ZERO : timeout);
            for (int i = 0; i < ready.length; i++) {
                ready[i] = wait.readyOps(i);
            }
        }
        return ready;
    }

    /** The channel of a socket object: a {@link SelectableChannel}, an {@link AbstractSocket} or a {@link TlsSocket}. */
    static SelectableChannel channelOf(Object source) {
        return switch (source) {
            case SelectableChannel ch -> ch;
            case AbstractSocket s -> s.channel();
            case TlsSocket t -> t.socket().channel();
            case null -> throw new NullPointerException("null in the channels to wait for");
            default -> throw new IllegalArgumentException("not a channel or socket: " + source.getClass().getName());
        };
    }

    /** Whether a read of {@code source} would return at once without the channel being readable. */
    static boolean hasBufferedInput(Object source) {
        return source instanceof TlsSocket t ? t.hasBufferedInput() : source instanceof StreamSocket s && s.pending() > 0;
    }
}
