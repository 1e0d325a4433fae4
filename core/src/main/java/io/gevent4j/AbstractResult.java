package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.RawGreenlet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A value or an error that arrives once and that greenlets wait for: the one result
 * abstraction behind a {@link Greenlet}'s end, an {@code AsyncResult} and a thread pool's
 * {@code ThreadResult}, with one error rule and one {@link Future} view.
 *
 * <p><b>The error rule.</b> {@link #get()} returns the value or rethrows the error: an
 * unchecked exception or an {@link Error} as it is, a checked exception wrapped in
 * {@link CompletionException}. {@link #get(Duration)} and {@link #getNow()} throw
 * {@link Timeout} when no outcome is there in time. {@link #asFuture()} gives the
 * {@code Future} contract instead: the error wrapped in {@link ExecutionException}.
 *
 * <p><b>Threads.</b> The queries ({@link #ready()}, {@link #successful()},
 * {@link #value()}, {@link #exception()}, {@link #getNow()}) may be called from any
 * thread; the outcome is recorded by {@link #completeValue} or {@link #completeException}
 * from any thread; waiting must happen on the result's hub, except through the
 * {@code Future} view, which may be used from any thread (off the hub it blocks that
 * thread). A subclass names its own waiting
 * method ({@code join}, {@code await}) over {@link #awaitOutcome}.
 *
 * <p><b>Implementation overview.</b> The outcome is one immutable record in a volatile
 * field, replaced by compare-and-set, so completions racing on several threads apply one
 * after the other, each whole: none is lost or seen half-written. {@code first} is what
 * the {@code Future} views report, decided once by compare-and-set between the first
 * completion and a {@code cancel}: a completer sets it before the outcome, so whenever an
 * outcome is there {@code first} is too, and a {@code cancel} that lost returns false. The
 * links are woken by a notification of the {@link Linkable} layer (all of them, in order),
 * queued through the hub's thread-safe entry when completion happens on another thread. A
 * latch for threads off the hub is created only when a {@code Future} view is waited on
 * there. Waiters on other hubs register a completion callback instead of a link: the
 * completing thread runs it itself, so they learn of the outcome even when the result's hub
 * closed meanwhile and runs no more notifications; the queue of such callbacks is made on
 * first use.
 */
public abstract class AbstractResult<T> extends Linkable implements Waitable {

    /** A value (if {@code hasValue}) and an error; a value wins for {@link #get()}, as in gevent. */
    private record Outcome(boolean hasValue, Object value, Throwable exception) {
    }

    private static final VarHandle OUTCOME;
    private static final VarHandle FIRST;
    private static final VarHandle ON_COMPLETION;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OUTCOME = lookup.findVarHandle(AbstractResult.class, "outcome", Outcome.class);
            FIRST = lookup.findVarHandle(AbstractResult.class, "first", Outcome.class);
            ON_COMPLETION = lookup.findVarHandle(AbstractResult.class, "onCompletion", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The outcome of most greenlets: a {@code null} value, no error; shared, as records are immutable. */
    private static final Outcome NULL_VALUE = new Outcome(true, null, null);

    /** Replaced through {@link #OUTCOME} only. */
    private volatile Outcome outcome;
    /** Set once through {@link #FIRST}: the first outcome, or the cancellation, the Future views report. */
    private volatile Outcome first;
    private volatile CompletableFuture<Void> latch;
    /** Made on first use, through {@link #ON_COMPLETION}: see {@link #whenCompleted}. */
    private volatile ConcurrentLinkedQueue<Runnable> onCompletion;

    /** An empty result of {@code hub}. */
    protected AbstractResult(Hub hub) {
        super(hub, true);
    }

    /**
     * Returns {@code body}'s value, or propagates its error by the error rule (unchecked as
     * it is, checked in {@link CompletionException}): what a task run inline does, so that
     * it fails as it would through a result.
     */
    public static <T> T call(Callable<T> body) {
        try {
            return body.call();
        } catch (Exception e) {
            throw rethrow(e);
        }
    }

    /**
     * Throws {@code error} by the error rule: unchecked as it is, checked wrapped in
     * {@link CompletionException}. Declared to return the exception so that a caller can
     * write {@code throw rethrow(e)}.
     */
    static RuntimeException rethrow(Throwable error) {
        if (error instanceof RuntimeException r) {
            throw r;
        }
        if (error instanceof Error err) {
            throw err;
        }
        throw new CompletionException(error);
    }

    /**
     * Undoes the error rule for one checked type: throws the cause of {@code wrapped} as it is
     * if it is a {@code checked}, else rethrows {@code wrapped}. For a task whose checked
     * exceptions are all of that type (a file or process operation's {@code IOException}):
     * {@code catch (CompletionException e) { throw unwrap(e, IOException.class); }}. Declared
     * to return an exception so that a caller can write {@code throw unwrap(...)}; any thread.
     *
     * @throws X the cause of {@code wrapped}, if it is an {@code X}
     * @throws CompletionException {@code wrapped} otherwise
     */
    public static <X extends Exception> RuntimeException unwrap(CompletionException wrapped, Class<X> checked) throws X {
        Throwable cause = wrapped.getCause();
        if (checked.isInstance(cause)) {
            throw checked.cast(cause);
        }
        throw wrapped;
    }

    /** Whether the outcome is there. Any thread. */
    @Override
    public boolean ready() {
        return outcome != null;
    }

    /** Whether a value (not an error) is there. Any thread. */
    public boolean successful() {
        Outcome o = outcome;
        return o != null && o.hasValue;
    }

    /** The value, or {@code null} while there is none (no outcome yet, or an error). Any thread. */
    @SuppressWarnings("unchecked")
    public T value() {
        Outcome o = outcome;
        return o == null ? null : (T) o.value;
    }

    /** The error, or {@code null}. Any thread. */
    public Throwable exception() {
        Outcome o = outcome;
        return o == null ? null : o.exception;
    }

    /** Waits until the outcome is there; returns the value or rethrows the error by the error rule. */
    public T get() {
        awaitOutcome(null);
        return result(outcome);
    }

    /**
     * Like {@link #get()} but waits at most {@code timeout}.
     *
     * @throws Timeout if no outcome is there by then
     */
    public T get(Duration timeout) {
        if (!awaitOutcome(Objects.requireNonNull(timeout, "timeout"))) {
            throw new Timeout(timeout);
        }
        return result(outcome);
    }

    /**
     * The value without waiting, or the error rethrown by the error rule. Any thread.
     *
     * @throws Timeout if no outcome is there yet
     */
    public T getNow() {
        Outcome o = outcome;
        if (o == null) {
            throw new Timeout();
        }
        return result(o);
    }

    /**
     * Blocks the current greenlet until the outcome is there or {@code timeout} passed
     * ({@code null}: no limit; zero or negative: do not block). A greenlet that comes while
     * earlier waiters are still to be woken waits its turn behind them, as in gevent.
     * Never throws the error nor on expiry; a kill or {@code Timeout} raised meanwhile is
     * thrown from here.
     *
     * @return whether the outcome is there
     */
    protected final boolean awaitOutcome(Duration timeout) {
        return awaitOutcome(timeout, false);
    }

    /**
     * As {@link #awaitOutcome(Duration)}; with {@code interruptible} the user's
     * {@link Thread#interrupt()} ends the wait too, with the interrupt status set (the
     * {@code Future} view's {@code get}).
     */
    protected boolean awaitOutcome(Duration timeout, boolean interruptible) {
        hub().checkCurrent(this);
        if (outcome != null) {
            if (notifying()) {
                awaitNotify(null, interruptible);
            }
        } else if (timeout == null || timeout.isPositive()) {
            awaitNotify(timeout, interruptible);
        }
        return outcome != null;
    }

    /**
     * Records {@code value} and wakes the waiters and links from the hub. Any thread. A
     * later call replaces the value; an error recorded before or after stays readable
     * through {@link #exception()}, but the value is what {@link #get()} returns (gevent's
     * rule). Calls racing on several threads apply one after the other, each whole. A
     * {@code Future} view reports the first outcome only.
     */
    protected final void completeValue(T value) {
        Outcome o;
        Outcome next;
        do {
            o = outcome;
            Throwable exception = o == null ? null : o.exception;
            next = value == null && exception == null ? NULL_VALUE : new Outcome(true, value, exception);
        } while (!record(o, next));
    }

    /**
     * Records {@code exception} and wakes the waiters and links from the hub. Any thread.
     * A later call replaces the error; {@link #get()} throws it only while no value was
     * recorded. Calls racing on several threads apply one after the other, each whole.
     */
    protected final void completeException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        Outcome o;
        do {
            o = outcome;
        } while (!record(o, o == null ? new Outcome(false, null, exception)
                : new Outcome(o.hasValue, o.value, exception)));
    }

    /** Replaces {@code expected} by {@code next} unless another completion came between; then wakes. */
    private boolean record(Outcome expected, Outcome next) {
        FIRST.compareAndSet(this, null, next);
        if (!OUTCOME.compareAndSet(this, expected, next)) {
            return false;
        }
        CompletableFuture<Void> l = latch;
        if (l != null) {
            l.complete(null);
        }
        ConcurrentLinkedQueue<Runnable> callbacks = onCompletion;
        if (callbacks != null) {
            Runnable callback;
            while ((callback = callbacks.poll()) != null) {
                callback.run();
            }
        }
        changedFromAnyThread();
        return true;
    }

    /**
     * Runs {@code callback} once an outcome is there: on the thread that records it, right
     * after, or at once on the caller if it is there already. How a waiter on another hub
     * learns of the outcome without the help of the result's hub. Any thread; the callback
     * must be quick, must not block and must not throw.
     */
    @SuppressWarnings("unchecked")
    final void whenCompleted(Runnable callback) {
        ConcurrentLinkedQueue<Runnable> callbacks = onCompletion;
        if (callbacks == null) {
            ConcurrentLinkedQueue<Runnable> made = new ConcurrentLinkedQueue<>();
            callbacks = (ConcurrentLinkedQueue<Runnable>) ON_COMPLETION.compareAndExchange(this, null, made);
            if (callbacks == null) {
                callbacks = made;
            }
        }
        callbacks.add(callback);
        // the completer adds the outcome before it polls, this adds before it reads: one of them runs it
        if (outcome != null && callbacks.remove(callback)) {
            callback.run();
        }
    }

    /** Withdraws a callback of {@link #whenCompleted} that has not run. Any thread. */
    final void removeWhenCompleted(Runnable callback) {
        ConcurrentLinkedQueue<Runnable> callbacks = onCompletion;
        if (callbacks != null) {
            callbacks.remove(callback);
        }
    }

    /**
     * What cancelling a {@code Future} view does to the work behind the result; called
     * once, on the thread that cancels, after the views recorded the cancellation (no
     * outcome was there). The default completes the result with a
     * {@link CancellationException}.
     */
    protected void cancelWork(boolean mayInterruptIfRunning) {
        completeException(new CancellationException());
    }

    /**
     * A {@link Future} view: {@code get} waits (cooperatively on the hub, by blocking the
     * thread elsewhere) and wraps the error in {@link ExecutionException}; {@code cancel}
     * cancels the work as the result's kind does (a greenlet is killed, a thread pool task
     * cancelled, an async result completed with a {@link CancellationException}). Any
     * thread.
     */
    public Future<T> asFuture() {
        return new FutureView();
    }

    private CompletableFuture<Void> latch() {
        CompletableFuture<Void> l = latch;
        if (l == null) {
            synchronized (this) {
                l = latch;
                if (l == null) {
                    l = new CompletableFuture<>();
                    latch = l;
                }
            }
        }
        if (first != null) {
            l.complete(null);
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static <T> T result(Outcome o) {
        if (o.hasValue) {
            return (T) o.value;
        }
        throw rethrow(o.exception);
    }

    @Override
    public String toString() {
        Outcome o = outcome;
        return getClass().getSimpleName() + "[" + (o == null ? "pending" : o.hasValue
                ? "value=" + o.value : "exception=" + o.exception) + "]";
    }

    /**
     * A {@code Future} over the result. Every view of one result shares its state: the
     * cancellation is the result's {@code first}, so {@code cancel} on one view shows in
     * all of them.
     */
    private final class FutureView implements Future<T> {

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (first != null || !FIRST.compareAndSet(AbstractResult.this, null,
                    new Outcome(false, null, new CancellationException()))) {
                return false;
            }
            latch().complete(null);
            cancelWork(mayInterruptIfRunning);
            return true;
        }

        @Override
        public boolean isCancelled() {
            Outcome o = first;
            return o != null && !o.hasValue && o.exception instanceof CancellationException;
        }

        @Override
        public boolean isDone() {
            return first != null;
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            if (hub().isCurrent()) {
                awaitOnHub(null);
            } else if (!isDone()) {
                latch().get();
            }
            return report();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (hub().isCurrent()) {
                if (!awaitOnHub(Duration.ofNanos(Math.max(0, unit.toNanos(timeout))))) {
                    throw new TimeoutException("no outcome within " + timeout + " " + unit);
                }
            } else if (!isDone()) {
                latch().get(timeout, unit);
            }
            return report();
        }

        /**
         * On the result's hub: waits until done or {@code timeout} ({@code null}: no limit);
         * a kill or Timeout pending or raised meanwhile is thrown first, then the user's
         * interrupt, on entry or while waiting, as {@code InterruptedException} (status cleared).
         */
        private boolean awaitOnHub(Duration timeout) throws InterruptedException {
            if (isDone()) {
                return true;
            }
            RawGreenlet.current().throwPendingOrInterrupt();
            awaitOutcome(timeout, true);
            if (!isDone() && Thread.interrupted()) {
                throw new InterruptedException();
            }
            return isDone();
        }

        @SuppressWarnings("unchecked")
        private T report() throws ExecutionException {
            if (isCancelled()) {
                throw new CancellationException();
            }
            Outcome o = first;
            if (!o.hasValue) {
                throw new ExecutionException(o.exception);
            }
            return (T) o.value;
        }
    }
}
