package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWatcher;
import io.gevent4j.hub.Loop;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * One direction (reading or writing) of a socket: the greenlet that waits for it, its I/O
 * watcher and the timer of the socket's timeout. Hub-thread only.
 *
 * <p><b>Implementation overview.</b> The watcher, the waiter and the timer are made once
 * and reused, so a wait allocates nothing: {@link #await} starts the watcher (and the timer
 * when the socket has a timeout), parks on the waiter, and in a {@code finally} stops the
 * timer and un-references the watcher, so an exception raised in the waiting greenlet
 * (kill, {@code Timeout}) leaves the direction idle and the socket usable. The watcher is
 * disarmed lazily: it stays in the selector's interest set after a wait, unreferenced (it
 * keeps no loop alive), and stops itself the first time it fires with nobody waiting. A
 * greenlet that reads, finds nothing and waits again within one turn of the loop (every
 * request/response exchange) so changes no interest set: no {@code epoll_ctl} per wait. A
 * wait may therefore be woken by readiness that an earlier read consumed; every caller
 * retries its operation and waits again when it finds nothing. The watcher and timer
 * callbacks only switch an empty waiter: whichever fires first wins, the other is ignored. {@link #cancel} throws an
 * exception into the waiting greenlet; a waiter that already has its value keeps it and its
 * greenlet finds the socket closed when it retries.
 */
final class IoDirection implements Runnable {

    private static final Object TIMED_OUT = new Object();

    private final Object owner;
    private final Loop loop;
    private final Waiter<Object> waiter;
    private final IoWatcher watcher;
    private final Runnable onTimeout;
    private TimerWatcher timer;
    private long timerNanos = -1;

    IoDirection(Object owner, Hub hub, SelectableChannel channel, int ops) {
        this.owner = owner;
        this.loop = hub.loop();
        this.waiter = new Waiter<>(hub);
        this.watcher = loop.io(channel, ops);
        this.onTimeout = () -> {
            if (!waiter.ready()) {
                waiter.switchTo(TIMED_OUT);
            }
        };
    }

    /** The I/O watcher's callback: the channel is ready; with nobody waiting, the watcher is disarmed. */
    @Override
    public void run() {
        if (waiter.waiting() == null || waiter.ready()) {
            watcher.stop();
        } else {
            waiter.switchTo(null);
        }
    }

    /** Whether a greenlet waits on this direction now. */
    boolean busy() {
        return waiter.waiting() != null;
    }

    /**
     * Blocks the current greenlet until the channel is ready in this direction.
     *
     * @param timeout {@code null}: no limit; zero: throws at once
     * @throws SocketTimeoutException if {@code timeout} passed first
     * @throws ConcurrentObjectUseException if another greenlet waits on this direction
     * @throws AsynchronousCloseException if the socket was closed meanwhile
     */
    void await(Duration timeout, String what) throws IOException {
        if (waiter.waiting() != null) {
            throw new ConcurrentObjectUseException("this socket is already used by another greenlet for "
                    + what + ": " + waiter.waiting() + " (" + owner + ")");
        }
        if (timeout != null && timeout.isZero()) {
            throw new SocketTimeoutException("timed out");
        }
        waiter.clear();
        if (!watcher.isActive()) {
            watcher.start(this);
        }
        watcher.ref();
        TimerWatcher t = null;
        if (timeout != null) {
            t = timer(timeout);
            t.start(onTimeout);
        }
        try {
            if (waiter.get() == TIMED_OUT) {
                throw new SocketTimeoutException("timed out");
            }
        } finally {
            watcher.unref();
            if (t != null) {
                t.stop();
            }
        }
    }

    private TimerWatcher timer(Duration timeout) {
        long nanos = timeout.toNanos();
        if (timer == null || timerNanos != nanos) {
            if (timer != null) {
                timer.close();
            }
            timer = loop.timer(timeout);
            timerNanos = nanos;
        }
        return timer;
    }

    /** Wakes the waiting greenlet, if any, with {@code error}. */
    void cancel(Throwable error) {
        if (waiter.waiting() != null && !waiter.ready()) {
            waiter.throwInto(error);
        }
    }

    /** Wakes the waiting greenlet with {@link AsynchronousCloseException} and releases the watcher and timer. */
    void close() {
        cancel(new AsynchronousCloseException());
        watcher.close();
        if (timer != null) {
            timer.close();
        }
    }

}
