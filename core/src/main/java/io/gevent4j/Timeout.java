package io.gevent4j;

import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.TimerWatcher;

import java.time.Duration;
import java.util.Objects;

/**
 * Raises itself (or a given exception) in the greenlet that started it once a duration
 * has passed, where that greenlet blocks, now or at its next wait (gevent's
 * {@code Timeout}).
 *
 * <pre>{@code
 * try (Timeout t = Timeout.start(Duration.ofSeconds(5))) {
 *     conversation();            // throws t if it takes longer
 * } catch (Timeout t) { ... }
 * }</pre>
 *
 * <p>In gevent4j's own waits the exception is thrown where the greenlet waits, and the
 * object waited on stays usable. Otherwise the greenlet's thread is interrupted: the JDK
 * blocking call it is parked in, or the next one it makes, ends with the JDK's semantics
 * for the call (a {@code java.net.Socket} read, for instance, closes its socket), and the
 * timeout is then raised at its next gevent4j call ({@link #start()} of any timeout
 * included), or replaces the exception the greenlet's body ends with if that comes first,
 * unless it was cancelled. {@link #cancel()} and {@link #close()} on the greenlet withdraw a timeout that
 * fired but was not raised, and clear the interrupt status it caused, so the greenlet's
 * next JDK call starts clean (see {@code docs/jdk-calls.md}). A {@code null} duration
 * never fires; zero fires on the next loop turn. Nested timeouts each raise their own
 * instance.
 *
 * <p>{@code Timeout} extends {@link Error}, like {@link GreenletExit}, so that
 * {@code catch (Exception e)} does not swallow it. It is also what {@link Greenlet#getNow()}
 * and {@code get(Duration)} throw when no result is ready. Hub-thread only.
 */
public class Timeout extends Error implements AutoCloseable {

    private final Duration duration;
    private final Throwable exception;
    private TimerWatcher timer;
    private RawGreenlet target;

    /** An unstarted timeout without a duration: the exception of a non-blocking get. */
    public Timeout() {
        this(null, null);
    }

    /** An unstarted timeout of {@code duration} ({@code null}: never fires). */
    public Timeout(Duration duration) {
        this(duration, null);
    }

    /**
     * An unstarted timeout of {@code duration} that raises {@code exception} instead of
     * itself ({@code null}: itself).
     */
    public Timeout(Duration duration, Throwable exception) {
        super(duration == null ? "timeout" : seconds(duration) + " seconds", null, true, true);
        if (duration != null && duration.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + duration);
        }
        this.duration = duration;
        this.exception = exception;
    }

    /** Starts a new timeout of {@code duration} for the current greenlet. */
    public static Timeout start(Duration duration) {
        return new Timeout(duration).start();
    }

    /** Starts a new timeout of {@code duration} for the current greenlet that raises {@code exception}. */
    public static Timeout start(Duration duration, Throwable exception) {
        return new Timeout(duration, Objects.requireNonNull(exception, "exception")).start();
    }

    /**
     * Runs {@code body} under a timeout of {@code duration}: gevent's silent
     * {@code with Timeout(d, False)}.
     *
     * @return true if the body finished, false if this timeout interrupted it
     */
    public static boolean run(Duration duration, Runnable body) {
        Objects.requireNonNull(body, "body");
        return Gevent.withTimeout(duration, () -> {
            body.run();
            return true;
        }, false);
    }

    /**
     * Arms the timer for the current greenlet; returns this. It is a point where a kill or
     * timeout pending for the greenlet (one that interrupted a JDK call) is thrown, before
     * anything is armed. Starting it again first cancels the previous start; started from a
     * greenlet of another hub than before, it is armed on that hub, and a raise it left
     * pending on the previous hub's greenlet stays there.
     *
     * @throws IllegalStateException if it is already pending
     */
    public Timeout start() {
        if (pending()) {
            throw new IllegalStateException("timeout is already pending");
        }
        RawGreenlet current = RawGreenlet.current();
        if (target != null && target.hub() != current.hub()) {
            timer = null;
            target = null;
        }
        cancel();
        current.throwPending();
        if (duration == null) {
            return this;
        }
        target = current;
        if (timer == null) {
            timer = current.hub().loop().timer(duration);
        }
        timer.start(this::fire);
        return this;
    }

    /** The duration, or {@code null} for one that never fires. */
    public Duration duration() {
        return duration;
    }

    /** The exception raised on expiry: the one given, else this timeout. */
    public Throwable exception() {
        return exception != null ? exception : this;
    }

    /** Whether the timer is armed and has not fired. */
    public boolean pending() {
        return timer != null && timer.isActive();
    }

    /**
     * Disarms the timer and withdraws the exception if it was not raised yet, clearing the
     * interrupt status it caused (at once on the greenlet, else at its next gevent4j call).
     * Never throws. Idempotent.
     */
    public void cancel() {
        if (timer != null) {
            timer.stop();
        }
        if (target != null) {
            target.cancelRaise(exception());
        }
    }

    /** Same as {@link #cancel()}: ends a try-with-resources block. */
    @Override
    public void close() {
        cancel();
    }

    private void fire() {
        target.raiseLater(exception());
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
