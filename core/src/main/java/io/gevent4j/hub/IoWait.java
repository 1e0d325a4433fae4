package io.gevent4j.hub;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * The one wait of a greenlet until channels or file descriptors are ready (gevent's
 * {@code wait_on_watcher}): every socket, TLS, {@code select}, resolver and
 * {@code waitRead}/{@code waitWrite} wait is one of these. It watches one or more
 * non-blocking channels ({@link IoWatcher}) or raw file descriptors ({@link FdWatcher}, on a
 * loop that {@linkplain Loop#watchesFds() watches them}), each for its
 * {@link java.nio.channels.SelectionKey} operations; {@link #await} blocks the calling
 * greenlet until one of them is ready, the timeout passes, or an exception is thrown into it
 * ({@link #cancel}, a kill, a {@code Timeout}).
 *
 * <p>An {@code IoWait} is made once per channel (or set of channels) and reused for every
 * wait: a wait allocates nothing. One greenlet may wait on it at a time. Hub-thread only:
 * every method must be called on the hub that made it. {@link #close()} closes its
 * watchers (releasing a channel's registration in the selector, a descriptor's slot in the
 * loop's table); it is idempotent.
 *
 * <p><b>Implementation overview.</b> The watchers and the timer are kept between waits.
 * {@link #await} references and (re)starts the watchers, starts the timer, parks, and in a
 * {@code finally} stops the timer and un-references the watchers, so an exception raised in
 * the waiting greenlet leaves the wait idle and reusable. The channels' watchers are disarmed lazily:
 * after a wait they stay in the selector's interest set, unreferenced (they keep no loop
 * alive), and they all stop the first time one fires with nobody waiting. A greenlet that
 * reads, finds nothing and waits again within one turn of the loop (every request/response
 * exchange) so changes no interest set: no {@code epoll_ctl} per wait. A wait may therefore
 * be woken by readiness that an earlier operation consumed: callers retry their operation
 * and wait again when it finds nothing. Every watcher that fires while a greenlet waits
 * keeps its ready operations (cleared when a wait begins), so all the channels found ready
 * in one poll of the loop are known when the greenlet resumes (the loop runs every pending
 * callback before the greenlets they woke).
 *
 * <p>The wait is its own {@link Waiter}: it parks the greenlet itself
 * ({@link RawGreenlet#suspend}) and keeps the outcome in its fields, as
 * {@link RawGreenlet#sleep} does, because every idle connection is a greenlet parked here,
 * whose stack keeps a frame per call on the way (about 17 words each until the JIT compiles
 * the path, and a parked virtual thread's stack never shrinks): the parked stack is the
 * socket's read, this method and the JDK's park. As a waiter's value does, readiness that
 * arrived wins over a kill or {@code Timeout} raised in the same turn, which stays pending
 * for the next wait. The watchers and the timer share one callback, the wait itself
 * ({@link #fire}: a {@link LoopCallback}, which only the loop can run, where a public
 * {@code Runnable} would let any caller end a wait): it ends the wait as timed out if the
 * timer fired, as ready otherwise (a watcher may fire for readiness an earlier wait saw: the
 * caller retries), and disarms the watchers when nobody waits. An idle wait holds its
 * watchers, nothing else; a wait on one channel keeps its watcher in a field, not an array;
 * the timer is made on the first wait with a timeout.
 *
 * <p><b>File descriptors.</b> A descriptor's watcher is edge-triggered and costs no system
 * call to start or stop, so it is not disarmed lazily: it is started as a wait begins and
 * stopped as it ends, and readiness reported in between is remembered by the watcher. A wait
 * that finds such remembered readiness returns {@code true} at once, without parking and
 * without a system call; the readiness is consumed, so the caller must then read (write,
 * accept) until its call would block before it waits again.
 */
public final class IoWait extends LoopCallback implements AutoCloseable {

    /** {@link #outcome} while the wait goes on, and its three ends. */
    private static final byte WAITING = 0, READY = 1, TIMED_OUT = 2, CANCELLED = 3;

    private final Loop loop;
    /** The watcher of a wait on one channel or descriptor, {@code null} for several. */
    private final AbstractIoWatcher watcher;
    /** The watchers of a wait on several channels or descriptors ({@code null} where not watched), {@code null} for one. */
    private final AbstractIoWatcher[] watchers;
    private TimerWatcher timer;
    /** The greenlet parked in {@link #await}, or {@code null}. */
    private RawGreenlet waiting;
    /** What {@link #cancel} gave the current wait to throw. */
    private Throwable error;
    private byte outcome;
    /** Whether the current wait started {@link #timer}: a one-shot timer is stopped as it fires. */
    private boolean timed;
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
        this.watcher = null;
        this.watchers = new IoWatcher[channels.length];
        for (int i = 0; i < channels.length; i++) {
            if (ops[i] != 0) {
                watchers[i] = loop.io(Objects.requireNonNull(channels[i], "channel"), ops[i]);
            }
        }
    }

    /**
     * A wait on the raw file descriptor {@code fd} for {@code ops} ({@code SelectionKey} bits)
     * on {@code hub}, whose loop must {@linkplain Loop#watchesFds() watch descriptors}: see
     * {@link FdWatcher} for what fires. Close it before closing the descriptor.
     *
     * @throws IllegalArgumentException if {@code ops} is empty or not {@code SelectionKey}
     *         bits, or {@code fd} is not open or cannot be watched
     * @throws IllegalStateException if the hub's loop watches no descriptors, or called off
     *         the hub's thread
     */
    public IoWait(Hub hub, int fd, int ops) {
        this.loop = hub.loop();
        this.watcher = loop.fdWatcher(fd, ops);
        this.watchers = null;
    }

    /**
     * A wait until any of {@code watchers} is ready for its operations (a {@code null} entry
     * is not watched), on {@code hub}: channels and descriptors mixed, each an inactive
     * watcher made by the hub's loop ({@link Loop#io}, {@link Loop#fdWatcher}) for this wait
     * alone. The wait starts and stops them, and {@link #close()} closes them;
     * {@link #readyOps(int)} indexes them as the array does.
     *
     * @throws IllegalArgumentException if a watcher belongs to another loop, is active or is closed
     * @throws IllegalStateException if called off the hub's thread
     */
    public IoWait(Hub hub, AbstractIoWatcher[] watchers) {
        this.loop = hub.loop();
        loop.checkThread();
        this.watcher = null;
        this.watchers = watchers.clone();
        for (AbstractIoWatcher w : this.watchers) {
            if (w != null && (w.loop() != loop || w.isActive() || w.closed)) {
                throw new IllegalArgumentException("not an inactive watcher of this hub's loop: " + w);
            }
        }
    }

    /**
     * Blocks the current greenlet until a watched channel or descriptor is ready, or
     * {@code timeout} passes ({@code null}: no limit; zero: one look at the loop); readiness a
     * descriptor's watcher remembered since the last wait ends it at once, without parking.
     * The wait may end on readiness an
     * earlier operation consumed: retry the operation, and wait again if it finds nothing. A
     * wait on one channel that was closed before it could be registered (by another thread,
     * between the caller's operation and this wait) ends at once as ready: the retried
     * operation then fails as the closed channel's does.
     *
     * @return {@code true} if a channel or descriptor was found ready, {@code false} if the timeout passed first
     * @throws IllegalStateException if another greenlet waits on it, it is closed, or off the hub's thread
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws RuntimeException or {@link Error}: what was thrown into the waiting greenlet
     *         ({@link #cancel}, a kill, a {@code Timeout})
     */
    public boolean await(Duration timeout) {
        RawGreenlet self = begin(timeout);
        try {
            while (outcome == WAITING) {
                self.throwPending();
                self.suspend(false);
            }
        } finally {
            finish();
        }
        return ended();
    }

    /**
     * As {@link #await}, but the user's {@link Thread#interrupt()} of the waiting thread
     * (an interrupt set before the call included) ends the wait too, as the timeout does:
     * it returns {@code false} with the interrupt status still set, for the caller to tell
     * the two apart. A kill or {@code Timeout} is thrown as in {@link #await}; readiness
     * that arrived first wins. The wait of code that keeps the JDK's semantics for
     * interrupts (the patched {@code java.net.Socket}).
     *
     * @return {@code true} if a channel was found ready, {@code false} if the timeout passed
     *         or the thread was interrupted first
     */
    public boolean awaitUntilInterrupted(Duration timeout) {
        RawGreenlet self = begin(timeout);
        try {
            while (outcome == WAITING) {
                self.throwPending();
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                self.suspend(true);
            }
        } finally {
            finish();
        }
        return ended();
    }

    /** The end of a wait, after {@link #finish()}: throws what {@link #cancel} gave it, else whether it found readiness. */
    private boolean ended() {
        if (outcome == CANCELLED) {
            Throwable e = error;
            error = null;
            throw Hub.sneaky(e);
        }
        return outcome == READY;
    }

    /**
     * {@link #await} up to its park, in a method of its own so that the frame a parked
     * greenlet keeps holds none of its locals: checks, arms the watchers and the timer, and
     * records the calling greenlet as the one waiting.
     */
    private RawGreenlet begin(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        loop.hub().checkCurrent(this);
        if (closed) {
            throw new IllegalStateException("this I/O wait is closed");
        }
        if (waiting != null) {
            throw new IllegalStateException("another greenlet already waits here: " + waiting);
        }
        RawGreenlet self = RawGreenlet.current();
        outcome = takeRemembered() ? READY : WAITING;
        timed = false;
        if (outcome == WAITING) {
            arm();
            timed = timeout != null;
            if (timed) {
                timer(timeout).start(this);
            }
        }
        waiting = self;
        return self;
    }

    /**
     * Clears every watcher's ready operations and consumes the readiness the descriptors'
     * watchers remembered since the last wait; returns whether there was any (the wait is
     * then over before it began).
     */
    private boolean takeRemembered() {
        boolean found = false;
        for (int i = 0; i < channelCount(); i++) {
            AbstractIoWatcher w = watcher(i);
            if (w != null) {
                w.clearReadyOps();
                if (w instanceof FdWatcher fd && fd.takeReadiness()) {
                    found = true;
                }
            }
        }
        return found;
    }

    /** Starts (or, for a channel's watcher still armed from the last wait, references) every watcher. */
    private void arm() {
        try {
            for (int i = 0; i < channelCount(); i++) {
                AbstractIoWatcher w = watcher(i);
                if (w instanceof FdWatcher) {
                    w.start(this);
                } else if (w != null) {
                    if (!w.isActive()) {
                        w.start(this);
                    }
                    w.ref();
                }
            }
        } catch (IllegalStateException e) {
            disarm(); // those armed before the one that failed (a closed channel) keep no loop alive
            if (watchers != null || !(e.getCause() instanceof ClosedChannelException)) {
                throw e;
            }
            // the one channel was closed before its first registration (another thread's close,
            // after the caller's operation found nothing): ready, the caller's retry fails as the channel's
            outcome = READY;
        } catch (RuntimeException | Error e) {
            disarm();
            throw e;
        }
    }

    /** {@link #await} after its park, however it ended: disarms the watchers and stops the timer. */
    private void finish() {
        waiting = null;
        disarm();
        if (timed) {
            timer.stop();
        }
    }

    /**
     * Stops the descriptors' watchers (readiness from now on is remembered by them) and
     * un-references the channels' (disarmed lazily: see the class comment).
     */
    private void disarm() {
        for (int i = 0; i < channelCount(); i++) {
            AbstractIoWatcher w = watcher(i);
            if (w instanceof FdWatcher) {
                w.stop();
            } else if (w != null) {
                w.unref();
            }
        }
    }

    /** The hub whose greenlets may wait here. Any thread. */
    public Hub hub() {
        return loop.hub();
    }

    /** The operations channel (or descriptor) {@code index} was found ready for during the last wait, 0 if none. */
    public int readyOps(int index) {
        Objects.checkIndex(index, channelCount());
        AbstractIoWatcher w = watcher(index);
        return w == null ? 0 : w.readyOps();
    }

    /** The greenlet waiting now, or {@code null}. */
    public RawGreenlet waiting() {
        return waiting;
    }

    /**
     * Ends the current wait, if any, with {@code error}, which {@link #await} throws; a wait
     * that already has its outcome keeps it.
     *
     * @return whether a wait was ended
     * @throws IllegalStateException if called off the hub's thread
     */
    public boolean cancel(Throwable error) {
        Objects.requireNonNull(error, "error");
        loop.hub().checkCurrent(this);
        if (waiting == null || outcome != WAITING) {
            return false;
        }
        this.error = error;
        end(CANCELLED);
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
            AbstractIoWatcher w = watcher(i);
            if (w != null) {
                w.close();
            }
        }
        if (timer != null) {
            timer.close();
        }
    }

    /**
     * The callback of the watchers and the timer, run by the loop: ends the wait, as timed
     * out if its timer fired (a fired one-shot timer is inactive when its callback runs) and
     * as ready otherwise, or disarms the watchers when nobody waits.
     */
    @Override
    void fire() {
        if (waiting == null) {
            for (int i = 0; i < channelCount(); i++) {
                AbstractIoWatcher w = watcher(i);
                if (w != null) {
                    w.stop();
                }
            }
            return;
        }
        if (outcome == WAITING) {
            end(timed && !timer.isActive() ? TIMED_OUT : READY);
        }
    }

    private void end(byte how) {
        outcome = how;
        waiting.resume();
    }

    private int channelCount() {
        return watchers == null ? 1 : watchers.length;
    }

    /** The watcher of channel (or descriptor) {@code index}, {@code null} if it is not watched. */
    private AbstractIoWatcher watcher(int index) {
        return watchers == null ? watcher : watchers[index];
    }

    private TimerWatcher timer(Duration timeout) {
        long nanos = timeout.toNanos();
        if (timer == null || timer.afterNanos() != nanos) {
            if (timer != null) {
                timer.close();
            }
            timer = loop.timer(timeout);
        }
        return timer;
    }

    @Override
    public String toString() {
        return "IoWait[" + channelCount() + " channel(s)" + (waiting != null ? ", waiting=" + waiting : "") + "]";
    }
}
