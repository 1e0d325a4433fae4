package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWatcher;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * The wait under {@link Select} and {@link Poll}: blocks the greenlet until some of several
 * channels are ready for their operations, or a timeout passes. Hub-thread only.
 *
 * <p><b>Implementation overview.</b> One {@link IoWatcher} per entry, started for the
 * wait; the first readiness (or the timer) queues a loop callback that wakes the waiter, so
 * every entry found ready in the same loop iteration is collected before the greenlet
 * resumes. Each watcher records its ready operations and stops
 * itself. Everything is stopped and closed in a {@code finally}, so a kill or
 * {@code Timeout} leaves no registration behind.
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
        Hub hub = Hub.current();
        int n = channels.length;
        int[] ready = new int[n];
        IoWatcher[] watchers = new IoWatcher[n];
        Waiter<Void> waiter = new Waiter<>(hub);
        Runnable wake = new Runnable() {
            private boolean scheduled;

            @Override
            public void run() {
                if (!scheduled) {
                    scheduled = true;
                    hub.loop().runCallback(waiter);
                }
            }
        };
        TimerWatcher timer = null;
        try {
            for (int i = 0; i < n; i++) {
                if (ops[i] == 0) {
                    continue;
                }
                IoWatcher io = hub.loop().io(channels[i], ops[i]);
                watchers[i] = io;
                int index = i;
                io.start(() -> {
                    ready[index] = io.readyOps();
                    io.stop();
                    wake.run();
                });
            }
            Duration limit = readyNow ? Duration.ZERO : timeout;
            if (limit != null) {
                timer = hub.loop().timer(limit);
                timer.start(wake);
            }
            waiter.get();
            return ready;
        } finally {
            for (IoWatcher io : watchers) {
                if (io != null) {
                    io.close();
                }
            }
            if (timer != null) {
                timer.close();
            }
        }
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
        return source instanceof TlsSocket t && t.hasBufferedInput();
    }
}
