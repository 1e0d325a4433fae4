package io.gevent4j.monkey;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.socket.ChannelWaiter;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.function.Function;

/**
 * One direction (read, write, connect or accept) of a patched socket's non-blocking
 * channel: blocks the calling thread until the channel is ready in that direction. In a
 * greenlet (or a thread with a hub) it waits on the hub's own selector, so only the
 * greenlet blocks; on any other thread it waits on a selector of its own, opened on first
 * use, as the JDK's socket would block that thread.
 *
 * <p>A kill or {@code Timeout} raised into a greenlet waiting here, an interrupt of a
 * virtual thread (a greenlet) waiting here, or an interrupt of a thread waiting on its own
 * selector, closes the socket and ends the wait with the
 * exception that makes {@link java.net.Socket} close itself and throw
 * {@code SocketException("Closed by interrupt")}, as the JDK's socket does for virtual
 * threads; a greenlet's exception stays pending for its next gevent4j call.
 *
 * <p>Callers serialise {@link #await} (the socket's per-direction lock); {@link #close()}
 * may come from any thread at any time and wakes the waiter, which then throws
 * {@code SocketException("Socket closed")}.
 *
 * <p><b>Implementation overview.</b> The hub waiter is kept for the hub that last waited,
 * so waits on one hub allocate nothing and keep the channel registered between waits; a
 * wait from another hub closes the old waiter on its own hub (through the loop's
 * thread-safe callback) and makes a new one. {@link #close()} sets {@code closed} first,
 * then closes the hub waiter on its hub: a greenlet that checked {@code closed} before that
 * is already parked when the callback runs (nothing yields in between) and is woken by it;
 * one that checks later sees the flag.
 */
final class DirectionWait {

    /** The message of the exception that ends a wait an interrupt or a raise ended, the JDK's. */
    static final String CLOSED_BY_INTERRUPT = "Closed by interrupt";

    private final Closeable socket;
    private final SelectableChannel channel;
    private final Function<SelectableChannel, ChannelWaiter> newWaiter;
    private final int ops;
    private volatile boolean closed;
    private volatile ChannelWaiter hubWaiter;
    private volatile Selector selector;

    private DirectionWait(Closeable socket, SelectableChannel channel,
                          Function<SelectableChannel, ChannelWaiter> newWaiter, int ops) {
        this.socket = socket;
        this.channel = channel;
        this.newWaiter = newWaiter;
        this.ops = ops;
    }

    /** Waits to read from (or accept on) {@code channel}; an interrupt closes {@code socket}. */
    static DirectionWait reading(Closeable socket, SelectableChannel channel) {
        return new DirectionWait(socket, channel, ChannelWaiter::forReading,
                channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT));
    }

    /** Waits to write to {@code channel}; an interrupt closes {@code socket}. */
    static DirectionWait writing(Closeable socket, SelectableChannel channel) {
        return new DirectionWait(socket, channel, ChannelWaiter::forWriting, SelectionKey.OP_WRITE);
    }

    /** Waits for {@code channel} to finish connecting; an interrupt closes {@code socket}. */
    static DirectionWait connecting(Closeable socket, SelectableChannel channel) {
        return new DirectionWait(socket, channel, ChannelWaiter::forConnecting, SelectionKey.OP_CONNECT);
    }

    /**
     * Blocks until the channel is ready in this direction, or until {@code deadline}
     * ({@link System#nanoTime()}; {@code 0}: none).
     *
     * @throws SocketTimeoutException with {@code timeoutMessage} when the deadline passes
     * @throws SocketException "Socket closed" if {@link #close()} came first
     * @throws IOException "Closed by interrupt" if a kill, a {@code Timeout} or an interrupt
     *         ended the wait in a greenlet, or an interrupt ended the wait on the thread's own
     *         selector: the socket is closed then, as the JDK does for virtual threads
     *         ({@link #closedByInterruptException})
     */
    void await(long deadline, String timeoutMessage) throws IOException {
        Duration timeout = null;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(timeoutMessage);
            }
            // whole milliseconds, SO_TIMEOUT's unit: a wait that starts within the call's first
            // millisecond then has the same timeout as the last one, and the hub waiter reuses its timer
            timeout = Duration.ofMillis((left + 999_999) / 1_000_000);
        }
        ensureOpen();
        Hub hub = Hub.currentIfExists();
        if (hub == null) {
            awaitOnOwnSelector(timeout, timeoutMessage);
            return;
        }
        boolean ready;
        try {
            ready = awaitOn(waiterFor(hub), timeout);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException(timeoutMessage);
        } catch (AsynchronousCloseException e) {
            throw closedException();
        } catch (RuntimeException | Error raised) {
            throw closedByRaise(raised);
        }
        if (!ready) {
            throw closedByInterrupt();
        }
        ensureOpen();
    }

    /**
     * Waits on the hub: a virtual thread's wait (a greenlet's) also ends on the user's
     * {@link Thread#interrupt()} ({@code false}), as the JDK's socket's wait in a virtual
     * thread does; a main greenlet's, a platform thread's, does not.
     */
    private static boolean awaitOn(ChannelWaiter w, Duration timeout) throws IOException {
        if (Thread.currentThread().isVirtual()) {
            return w.awaitUntilInterrupted(timeout);
        }
        w.await(timeout);
        return true;
    }

    /** Wakes a thread waiting in this direction and releases the selectors' registrations. Any thread; idempotent. */
    void close() {
        closed = true;
        ChannelWaiter w = hubWaiter;
        if (w != null) {
            closeOnItsHub(w);
        }
        Selector s = selector;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // a selector that fails to close holds nothing this socket still needs
            }
        }
    }

    private ChannelWaiter waiterFor(Hub hub) throws SocketException {
        ChannelWaiter w = hubWaiter;
        if (w != null && w.hub() == hub) {
            return w;
        }
        if (w != null) {
            closeOnItsHub(w);
        }
        w = newWaiter.apply(channel);
        hubWaiter = w;
        if (closed) {
            w.close();
            throw closedException();
        }
        return w;
    }

    private static void closeOnItsHub(ChannelWaiter w) {
        if (w.hub().isCurrent()) {
            w.close();
        } else if (!w.hub().isClosed()) {
            w.hub().loop().runCallbackThreadsafe(w::close);
        }
    }

    private void awaitOnOwnSelector(Duration timeout, String timeoutMessage) throws IOException {
        try {
            Selector s = ownSelector();
            int n = timeout == null ? s.select() : s.select(Math.max(1, timeout.toMillis()));
            s.selectedKeys().clear();
            ensureOpen();
            if (Thread.interrupted()) {
                throw closedByInterrupt();
            }
            if (n == 0 && timeout != null) {
                throw new SocketTimeoutException(timeoutMessage);
            }
        } catch (ClosedSelectorException e) {
            throw closedException();
        }
    }

    private Selector ownSelector() throws IOException {
        Selector s = selector;
        if (s == null) {
            s = Selector.open();
            try {
                channel.register(s, ops);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            selector = s;
            if (closed) {
                s.close();
                throw closedException();
            }
        }
        return s;
    }

    /**
     * An exception raised into the waiting greenlet (a kill, a {@code Timeout}) ends the wait
     * as an interrupt ends the JDK socket's: the socket is closed, the exception stays
     * pending for the greenlet's next gevent4j call, and the library gets
     * {@code SocketException("Closed by interrupt")} from a {@code Socket} that is closed, so
     * it treats the connection as broken (a pool discards it) instead of being unwound mid-reply.
     */
    private IOException closedByRaise(Throwable raised) throws IOException {
        try {
            socket.close();
        } finally {
            RawGreenlet.current().raiseLater(raised);
        }
        return closedByInterruptException();
    }

    /** An interrupt ended the wait: closes the socket, keeps the interrupt status, and returns what to throw. */
    private IOException closedByInterrupt() throws IOException {
        try {
            socket.close();
        } finally {
            Thread.currentThread().interrupt();
        }
        return closedByInterruptException();
    }

    /**
     * What a wait ended by an interrupt or a raise throws, the socket closed. On an
     * interrupted virtual thread (a greenlet, whose raise interrupted it), an
     * {@link InterruptedIOException}, the JDK socket's own: {@link java.net.Socket}'s streams
     * and {@link java.net.ServerSocket#accept} then close the {@code Socket} object itself
     * (its {@code isClosed()} turns true, which the socket implementation cannot reach) and
     * throw {@code SocketException("Closed by interrupt")}; a connect translates it so (see
     * {@link GreenSocketImpl#connect}). Elsewhere (a main greenlet, a platform thread) that
     * {@code SocketException} directly.
     */
    private static IOException closedByInterruptException() {
        Thread t = Thread.currentThread();
        return t.isVirtual() && t.isInterrupted()
                ? new InterruptedIOException(CLOSED_BY_INTERRUPT)
                : new SocketException(CLOSED_BY_INTERRUPT);
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw closedException();
        }
    }

    private static SocketException closedException() {
        return new SocketException("Socket closed");
    }
}
