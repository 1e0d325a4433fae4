package io.gevent4j.resolver;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.hub.Waiter;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How the DNS client waits until a non-blocking channel is ready: cooperatively on a hub
 * (the calling greenlet parks, the hub runs others) or, for threads that are not
 * greenlets, in a private {@link Selector}. Both end with {@link SocketTimeoutException}
 * at the deadline and leave no registration behind.
 */
abstract sealed class Readiness {

    /** Waits until {@code channel} is ready for {@code ops} or {@code deadline} ({@link System#nanoTime()}) passes. */
    abstract void await(SelectableChannel channel, int ops, long deadline) throws IOException;

    /**
     * Waits until {@code result}, which another lookup (of any thread) completes, is done.
     *
     * @throws InterruptedIOException if the thread is interrupted meanwhile (off a hub)
     */
    abstract void await(CompletableFuture<?> result) throws InterruptedIOException;

    /** Waits on the hub of the calling greenlet: hub-thread only. */
    static final class OnHub extends Readiness {
        private final Hub hub;

        OnHub(Hub hub) {
            this.hub = hub;
        }

        Hub hub() {
            return hub;
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

        /** Parks the greenlet on a waiter that the completion wakes through the hub's thread-safe entry. */
        @Override
        void await(CompletableFuture<?> result) {
            if (result.isDone()) {
                return;
            }
            Waiter<Void> waiter = new Waiter<>(hub);
            result.whenComplete((v, e) -> hub.loop().runCallbackThreadsafe(() -> {
                if (!waiter.ready()) {
                    waiter.switchTo(null);
                }
            }));
            waiter.get();
        }
    }

    /** Waits in a private selector: for platform threads and the JDK's own virtual threads. */
    static final class OnSelector extends Readiness {
        @Override
        void await(CompletableFuture<?> result) throws InterruptedIOException {
            try {
                result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the same lookup of another thread");
            } catch (ExecutionException | CancellationException e) {
                // done: the caller reads the outcome
            }
        }

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
