package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * One direction (reading, writing or connecting) of a socket: the socket's rules over its
 * {@link IoWait}, which is made once and reused by every wait in this direction. A second
 * greenlet waiting in a direction already waited on is refused, a zero timeout never waits,
 * and a timeout is a {@link SocketTimeoutException}. Hub-thread only.
 */
final class IoDirection {

    private final Object owner;
    private final IoWait wait;

    IoDirection(Object owner, Hub hub, SelectableChannel channel, int ops) {
        this.owner = owner;
        this.wait = new IoWait(hub, channel, ops);
    }

    /** Whether a greenlet waits on this direction now. */
    boolean busy() {
        return wait.waiting() != null;
    }

    /**
     * Blocks the current greenlet until the channel may be ready in this direction.
     *
     * @param timeout {@code null}: no limit; zero: throws at once
     * @throws SocketTimeoutException if {@code timeout} passed first
     * @throws ConcurrentObjectUseException if another greenlet waits on this direction
     * @throws AsynchronousCloseException if the socket was closed meanwhile
     */
    void await(Duration timeout, String what) throws IOException {
        if (wait.waiting() != null) {
            throw new ConcurrentObjectUseException("this socket is already used by another greenlet for "
                    + what + ": " + wait.waiting() + " (" + owner + ")");
        }
        if ((timeout != null && timeout.isZero()) || !wait.await(timeout)) {
            throw new SocketTimeoutException("timed out");
        }
    }

    /** Wakes the waiting greenlet with {@link AsynchronousCloseException} and releases the wait. */
    void close() {
        wait.cancel(new AsynchronousCloseException());
        wait.close();
    }
}
