package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.TimerWatcher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * and {@code get(Duration)} throw when no result is ready.
 *
 * <p><b>Threads.</b> A timeout belongs to the hub of the greenlet that last started it.
 * {@link #start()} runs on the starting greenlet's hub; started while it is pending on
 * another hub, it throws {@link IllegalStateException} (cancel it first; once it is not
 * pending it may be started on another hub). {@link #cancel()} and {@link #close()} may be
 * called from any thread: off its hub the cancel is handed to that hub
 * ({@link Hub#runThreadsafe}) and takes effect when the hub runs it, so the timeout may still
 * fire meanwhile, and its exception is then withdrawn if not raised yet (a hub that closed
 * first has no timer left: the timeout is then just no longer pending).
 * {@link #pending()} may be read from any thread. Using one timeout on several threads at
 * once otherwise (starting it on two hubs at the same time) is not supported.
 *
 * <p><b>Implementation overview.</b> {@code timer} and {@code target} are touched on the
 * owning hub only. {@code hub} and {@code armed} are what other threads read: written with
 * release stores (plain stores on x86, so the same-hub path pays no fence) and read with
 * acquire loads, so a thread that sees the timeout not pending sees everything its hub did
 * to it before.
 */
public class Timeout extends Error implements AutoCloseable {

    private static final VarHandle HUB;
    private static final VarHandle ARMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HUB = lookup.findVarHandle(Timeout.class, "hub", Hub.class);
            ARMED = lookup.findVarHandle(Timeout.class, "armed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Duration duration;
    private final Throwable exception;
    private TimerWatcher timer;
    private RawGreenlet target;
    /** The hub it was last started on, {@code null} before; through {@link #HUB}. */
    private Hub hub;
    /** Whether the timer is armed and has not fired; through {@link #ARMED}. */
    private boolean armed;

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
     * @throws IllegalStateException if it is already pending, on this hub or another
     */
    public Timeout start() {
        RawGreenlet current = RawGreenlet.current();
        Hub here = current.hub();
        Hub owner = (Hub) HUB.getAcquire(this);
        if (pending()) {
            throw new IllegalStateException(owner == here ? "timeout is already pending"
                    : "timeout is pending on " + owner + ": cancel it before starting it on " + here);
        }
        if (owner != here) {
            timer = null;
            target = null;
            HUB.setRelease(this, here);
        }
        cancel();
        current.throwPending();
        if (duration == null) {
            return this;
        }
        target = current;
        if (timer == null) {
            timer = here.loop().timer(duration);
        }
        timer.start(this::fire);
        ARMED.setRelease(this, true);
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

    /**
     * Whether the timer is armed and has not fired; a timeout whose hub closed is not
     * pending. Any thread (a snapshot off its hub).
     */
    public boolean pending() {
        return (boolean) ARMED.getAcquire(this) && !((Hub) HUB.getAcquire(this)).isClosed();
    }

    /**
     * Disarms the timer and withdraws the exception if it was not raised yet, clearing the
     * interrupt status it caused (at once on the greenlet, else at its next gevent4j call).
     * Any thread: off the timeout's hub it is handed to that hub and takes effect there
     * later. Never throws. Idempotent.
     */
    public void cancel() {
        Hub owner = (Hub) HUB.getAcquire(this);
        if (owner == null) {
            return;
        }
        if (!owner.isCurrent()) {
            owner.runThreadsafe(() -> {
                if (HUB.getAcquire(this) == owner) {
                    cancel();
                }
            }, () -> ARMED.setRelease(this, false));
            return;
        }
        if (timer != null) {
            timer.stop();
        }
        ARMED.setRelease(this, false);
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
        ARMED.setRelease(this, false);
        target.raiseLater(exception());
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
