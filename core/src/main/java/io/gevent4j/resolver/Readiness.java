package io.gevent4j.resolver;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/**
 * How the DNS client waits until a non-blocking channel is ready: cooperatively on a hub
 * (the calling greenlet parks, the hub runs others) or, for threads that are not
 * greenlets, in a private {@link Selector}. Both end with {@link SocketTimeoutException}
 * at the deadline and leave no registration behind.
 */
abstract sealed class Readiness {

    /** Waits until {@code channel} is ready for {@code ops} or {@code deadline} ({@link System#nanoTime()}) passes. */
    abstract void await(SelectableChannel channel, int ops, long deadline) throws IOException;

    /** Waits on the hub of the calling greenlet: hub-thread only. */
    static final class OnHub extends Readiness {
        private final Hub hub;

        OnHub(Hub hub) {
            this.hub = hub;
        }

        @Override
        void await(SelectableChannel channel, int ops, long deadline) throws SocketTimeoutException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("timed out");
            }
            try (IoWait wait = new IoWait(hub, channel, ops)) {
                if (!wait.await(Duration.ofNanos(left))) {
                    throw new SocketTimeoutException("timed out");
                }
            }
        }
    }

    /** Waits in a private selector: for platform threads and the JDK's own virtual threads. */
    static final class OnSelector extends Readiness {
        @Override
        void await(SelectableChannel channel, int ops, long deadline) throws IOException {
            try (Selector selector = Selector.open()) {
                SelectionKey key = channel.register(selector, ops);
                try {
                    while (true) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new SocketTimeoutException("timed out");
                        }
                        if (selector.select(Math.max(1, left / 1_000_000)) > 0) {
                            return;
                        }
                    }
                } finally {
                    key.cancel();
                }
            }
        }
    }
}
