package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Objects;

/**
 * A reusable wait for one direction of a non-blocking channel on the hub that made it: the
 * wait gevent4j's own sockets use, for code that owns a channel but not a
 * {@link StreamSocket} (gevent's {@code io} watcher with {@code hub.wait}). Unlike
 * {@link Sockets#waitRead}, which registers the channel for each wait, it keeps its watcher
 * between waits, so a wait allocates nothing and a read-wait-read cycle changes no interest
 * set. A wait may return on readiness that an earlier operation already consumed: retry
 * the operation and wait again when it finds nothing.
 *
 * <p>Hub-thread only: made, used and closed by the greenlets (or the platform thread) of
 * {@link #hub()}; use {@link io.gevent4j.hub.Loop#runCallbackThreadsafe} to close it from
 * another thread.
 */
public final class ChannelWaiter implements AutoCloseable {

    private final Hub hub;
    private final IoWait wait;
    private final String what;

    private ChannelWaiter(SelectableChannel channel, int ops, String what) {
        this.hub = Hub.current();
        this.what = what;
        this.wait = new IoWait(hub, Objects.requireNonNull(channel, "channel"), ops);
    }

    /**
     * A wait until {@code channel} can be read (or accepted from), on the current hub.
     *
     * @throws IllegalArgumentException if the channel is in blocking mode
     */
    public static ChannelWaiter forReading(SelectableChannel channel) {
        return new ChannelWaiter(channel, Sockets.readOps(channel), "reading");
    }

    /**
     * A wait until {@code channel} can be written, on the current hub.
     *
     * @throws IllegalArgumentException if the channel is in blocking mode or cannot be written
     */
    public static ChannelWaiter forWriting(SelectableChannel channel) {
        return new ChannelWaiter(channel, channel.validOps() & SelectionKey.OP_WRITE, "writing");
    }

    /**
     * A wait until a {@link java.nio.channels.SocketChannel} can finish connecting, on the current hub.
     *
     * @throws IllegalArgumentException if the channel is in blocking mode or cannot connect
     */
    public static ChannelWaiter forConnecting(SelectableChannel channel) {
        return new ChannelWaiter(channel, channel.validOps() & SelectionKey.OP_CONNECT, "connecting");
    }

    /** The hub whose greenlets may use this waiter. */
    public Hub hub() {
        return hub;
    }

    /**
     * Blocks the calling greenlet until the channel is ready in this direction; a
     * {@code Timeout} or kill raised meanwhile is thrown here and leaves the waiter usable.
     *
     * @param timeout {@code null}: no limit; zero: throws at once
     * @throws java.net.SocketTimeoutException if {@code timeout} passes first
     * @throws java.nio.channels.AsynchronousCloseException if {@link #close()} ended the wait
     * @throws ConcurrentObjectUseException if another greenlet waits on this waiter
     * @throws IllegalStateException if called off the hub, or after {@link #close()}
     */
    public void await(Duration timeout) throws IOException {
        hub.checkCurrent(this);
        SocketWait.await(wait, this, timeout, what);
    }

    /**
     * As {@link #await}, but the user's {@link Thread#interrupt()} of the waiting thread (an
     * interrupt set before the call included) ends the wait too: for code that keeps the
     * JDK's semantics of interrupts, as a {@code java.net.Socket} in a virtual thread does.
     *
     * @return {@code true} if the channel may be ready, {@code false} if the thread was
     *         interrupted first (its interrupt status still set)
     * @throws java.net.SocketTimeoutException if {@code timeout} passes first
     * @throws java.nio.channels.AsynchronousCloseException if {@link #close()} ended the wait
     * @throws ConcurrentObjectUseException if another greenlet waits on this waiter
     * @throws IllegalStateException if called off the hub, or after {@link #close()}
     */
    public boolean awaitUntilInterrupted(Duration timeout) throws IOException {
        hub.checkCurrent(this);
        SocketWait.checkCanWait(wait, this, timeout, what);
        if (wait.awaitUntilInterrupted(timeout)) {
            return true;
        }
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        throw SocketWait.timedOut();
    }

    /**
     * Wakes a greenlet waiting on this waiter with
     * {@link java.nio.channels.AsynchronousCloseException} and releases the channel's
     * registration in the hub's selector. Idempotent; does not close the channel.
     */
    @Override
    public void close() {
        hub.checkCurrent(this);
        SocketWait.close(wait);
    }

    @Override
    public String toString() {
        return "ChannelWaiter[" + what + " on " + hub + "]";
    }
}
