package io.gevent4j.hub;

import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * The one wait of a greenlet until channels are ready (gevent's {@code wait_on_watcher}):
 * every socket, TLS, {@code select}, resolver and {@code waitRead}/{@code waitWrite} wait is
 * one of these. It watches one or more non-blocking channels, each for its
 * {@link java.nio.channels.SelectionKey} operations; {@link #await} blocks the calling
 * greenlet until one of them is ready, the timeout passes, or an exception is thrown into it
 * ({@link #cancel}, a kill, a {@code Timeout}).
 *
 * <p>An {@code IoWait} is made once per channel (or set of channels) and reused for every
 * wait: a wait allocates nothing. One greenlet may wait on it at a time. Hub-thread only:
 * every method must be called on the hub that made it. {@link #close()} releases its
 * registration in the selector; it is idempotent.
 *
 * <p><b>Implementation overview.</b> The watchers, the waiter and the timer are kept
 * between waits. {@link #await} references and (re)starts the watchers, starts the timer,
 * parks on the waiter, and in a {@code finally} stops the timer and un-references the
 * watchers, so an exception raised in the waiting greenlet leaves the wait idle and
 * reusable. The watchers are disarmed lazily: after a wait they stay in the selector's
 * interest set, unreferenced (they keep no loop alive), and they all stop the first time
 * one fires with nobody waiting. A greenlet that reads, finds nothing and waits again within
 * one turn of the loop (every request/response exchange) so changes no interest set: no
 * {@code epoll_ctl} per wait. A wait may therefore be woken by readiness that an earlier
 * operation consumed: callers retry their operation and wait again when it finds nothing.
 * The watcher and timer callbacks only switch an empty waiter: whichever fires first wins.
 * Every watcher that fires while a greenlet waits keeps its ready operations (cleared when
 * a wait begins), so all the channels found ready in one poll of the loop are known when
 * the greenlet resumes (the loop runs every pending callback before the greenlets they
 * woke). An idle wait holds its waiter and its watchers, whose callback is the wait itself
 * ({@link #run}); a wait on one channel keeps its watcher in a field, not an array. The timer
 * and its callback are made on the first wait with a timeout.
 */
public final class IoWait implements AutoCloseable, Runnable {

    private final Loop loop;
    private final Waiter<Boolean> waiter;
    /** The watcher of a wait on one channel, {@code null} for several. */
    private final IoWatcher watcher;
    /** The watchers of a wait on several channels ({@code null} where not watched), {@code null} for one. */
    private final IoWatcher[] watchers;
    private Runnable onTimeout;
    private TimerWatcher timer;
    private boolean closed;

    /**
     * A wait on {@code channel} for {@code ops} on {@code hub}.
     *
     * @throws IllegalArgumentException if the channel is in blocking mode or {@code ops} is
     *         empty or not valid for it
     * @throws IllegalStateException if called off the hub's thread
     */
    public IoWait(Hub hub, SelectableChannel channel, int ops) {
        this.loop = hub.loop();
        this.waiter = new Waiter<>(hub);
        this.watcher = loop.io(Objects.requireNonNull(channel, "channel"), ops);
        this.watchers = null;
    }

    /**
     * A wait until any of {@code channels} is ready for its entry of {@code ops} (an entry of
     * 0 is not watched), on {@code hub}.
     *
     * @throws IllegalArgumentException if the arrays differ in length, a channel is in
     *         blocking mode or an operation is not valid for its channel
     * @throws IllegalStateException if called off the hub's thread
     */
    public IoWait(Hub hub, SelectableChannel[] channels, int[] ops) {
        if (channels.length != ops.length) {
            throw new IllegalArgumentException(channels.length + " channels but " + ops.length + " operation sets");
        }
        this.loop = hub.loop();
        this.waiter = new Waiter<>(hub);
        this.watcher = null;
        this.watchers = new IoWatcher[channels.length];
        for (int i = 0; i < channels.length; i++) {
            if (ops[i] != 0) {
                watchers[i] = loop.io(Objects.requireNonNull(channels[i], "channel"), ops[i]);
            }
        }
    }

    /**
     * Blocks the current greenlet until a watched channel is ready, or {@code timeout} passes
     * ({@code null}: no limit; zero: one look at the loop). The wait may end on readiness an
     * earlier operation consumed: retry the operation, and wait again if it finds nothing.
     *
     * @return {@code true} if a channel was found ready, {@code false} if the timeout passed first
     * @throws IllegalStateException if another greenlet waits on it, it is closed, or off the hub's thread
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws RuntimeException or {@link Error}: what was thrown into the waiting greenlet
     *         ({@link #cancel}, a kill, a {@code Timeout})
     */
    public boolean await(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        if (closed) {
            throw new IllegalStateException("this I/O wait is closed");
        }
        if (waiter.waiting() != null) {
            throw new IllegalStateException("another greenlet already waits here: " + waiter.waiting());
        }
        waiter.clear();
        for (int i = 0; i < channelCount(); i++) {
            IoWatcher w = watcher(i);
            if (w != null) {
                w.clearReadyOps();
                if (!w.isActive()) {
                    w.start(this);
                }
                w.ref();
            }
        }
        TimerWatcher t = timeout == null ? null : timer(timeout);
        if (t != null) {
            t.start(onTimeout);
        }
        try {
            return waiter.get();
        } finally {
            for (int i = 0; i < channelCount(); i++) {
                IoWatcher w = watcher(i);
                if (w != null) {
                    w.unref();
                }
            }
            if (t != null) {
                t.stop();
            }
        }
    }

    /** The operations channel {@code index} was found ready for during the last wait, 0 if none. */
    public int readyOps(int index) {
        Objects.checkIndex(index, channelCount());
        IoWatcher w = watcher(index);
        return w == null ? 0 : w.readyOps();
    }

    /** The greenlet waiting now, or {@code null}. */
    public RawGreenlet waiting() {
        return waiter.waiting();
    }

    /**
     * Ends the current wait, if any, with {@code error}, which {@link #await} throws; a wait
     * that already has its outcome keeps it.
     *
     * @return whether a wait was ended
     */
    public boolean cancel(Throwable error) {
        Objects.requireNonNull(error, "error");
        if (waiter.waiting() == null || waiter.ready()) {
            return false;
        }
        waiter.throwInto(error);
        return true;
    }

    /**
     * Releases the watchers and the timer. A greenlet still waiting stays parked: {@link #cancel}
     * it first. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < channelCount(); i++) {
            IoWatcher w = watcher(i);
            if (w != null) {
                w.close();
            }
        }
        if (timer != null) {
            timer.close();
        }
    }

    /**
     * The watchers' callback, run by the loop when a watched channel is ready: wakes the
     * waiting greenlet, or disarms the watchers when none waits. Not for callers.
     */
    @Override
    public void run() {
        if (waiter.waiting() == null) {
            for (int i = 0; i < channelCount(); i++) {
                IoWatcher w = watcher(i);
                if (w != null) {
                    w.stop();
                }
            }
            return;
        }
        if (!waiter.ready()) {
            waiter.switchTo(Boolean.TRUE);
        }
    }

    private int channelCount() {
        return watchers == null ? 1 : watchers.length;
    }

    /** The watcher of channel {@code index}, {@code null} if that channel is not watched. */
    private IoWatcher watcher(int index) {
        return watchers == null ? watcher : watchers[index];
    }

    private TimerWatcher timer(Duration timeout) {
        long nanos = timeout.toNanos();
        if (timer == null || timer.afterNanos() != nanos) {
            if (timer != null) {
                timer.close();
            }
            timer = loop.timer(timeout);
            if (onTimeout == null) {
                onTimeout = () -> {
                    if (!waiter.ready()) {
                        waiter.switchTo(Boolean.FALSE);
                    }
                };
            }
        }
        return timer;
    }

    @Override
    public String toString() {
        return "IoWait[" + channelCount() + " channel(s), " + waiter + "]";
    }
}
