package io.gevent4j.socket;

import io.gevent4j.hub.IoWait;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;

/**
 * The socket's rules over the {@link IoWait} of one of its directions (reading, writing or
 * connecting), which is made once and reused by every wait in that direction: a second
 * greenlet waiting in a direction already waited on is refused, a zero timeout never waits,
 * and a timeout is a {@link SocketTimeoutException}. The rules hold no state of their own,
 * so a socket keeps only its waits. Hub-thread only.
 */
final class SocketWait {

    private SocketWait() {
    }

    /** Whether a greenlet waits on {@code wait} now. */
    static boolean busy(IoWait wait) {
        return wait.waiting() != null;
    }

    /**
     * Blocks the current greenlet until the channel of {@code wait} may be ready.
     *
     * @param owner the socket, named in the error when another greenlet waits
     * @param timeout {@code null}: no limit; zero: throws at once
     * @param what the direction, named in that error
     * @throws SocketTimeoutException if {@code timeout} passed first
     * @throws ConcurrentObjectUseException if another greenlet waits on {@code wait}
     * @throws AsynchronousCloseException if the socket was closed meanwhile
     */
    static void await(IoWait wait, Object owner, Duration timeout, String what) throws IOException {
        checkCanWait(wait, owner, timeout, what);
        if (!wait.await(timeout)) {
            throw timedOut();
        }
    }

    /**
     * The first half of {@link #await}, for a caller that waits on {@code wait} itself (to
     * keep a frame out of a parked reader's stack) and throws {@link #timedOut()} when the
     * wait returns {@code false}.
     *
     * @throws ConcurrentObjectUseException if another greenlet waits on {@code wait}
     * @throws SocketTimeoutException if {@code timeout} is zero
     */
    static void checkCanWait(IoWait wait, Object owner, Duration timeout, String what) throws SocketTimeoutException {
        if (wait.waiting() != null) {
            throw new ConcurrentObjectUseException("this socket is already used by another greenlet for "
                    + what + ": " + wait.waiting() + " (" + owner + ")");
        }
        if (timeout != null && timeout.isZero()) {
            throw timedOut();
        }
    }

    /** What a wait whose timeout passed throws. */
    static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("timed out");
    }

    /** Wakes the greenlet waiting on {@code wait} with {@link AsynchronousCloseException} and releases the wait. */
    static void close(IoWait wait) {
        wait.cancel(new AsynchronousCloseException());
        wait.close();
    }
}
