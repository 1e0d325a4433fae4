package io.gevent4j.event;

import io.gevent4j.AbstractResult;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A result that greenlets wait for (gevent's {@code AsyncResult}): a value set with
 * {@link #set} or an error set with {@link #setException}.
 *
 * <p><b>Setting again</b> follows gevent: the value and the error are kept apart, each
 * replaced by a later call of its setter. Once a value was set, {@link #get()} returns it
 * and {@link #successful()} is true, even if an error is set afterwards (which
 * {@link #exception()} then reports); while only an error was set, {@code get()} rethrows
 * it.
 *
 * <p><b>Waiting.</b> {@link #get()} blocks and returns the value or rethrows the error as
 * {@link Greenlet#get()} does (unchecked as it is, checked wrapped in
 * {@link CompletionException}); {@link #get(Duration)} and {@link #getNow()} throw
 * {@link Timeout} when no outcome is there; {@link #await()} blocks but never throws the
 * error nor on expiry. {@link #asFuture()} gives the {@link Future} contract
 * ({@code cancel} sets a {@link CancellationException}; the view reports the first outcome
 * only). A greenlet that waits on a completed result while earlier waiters are still to be
 * woken waits its turn behind them, as in gevent.
 *
 * <p><b>As a link.</b> It is a {@code Consumer} of greenlets, so
 * {@code greenlet.link(result)} makes it take the greenlet's value or error (a killed
 * greenlet gives {@code null}).
 *
 * <p><b>Threads.</b> It belongs to the hub it was created on. Completion
 * ({@link #set}, {@link #setException}, {@link #accept}) and the non-blocking queries are
 * thread-safe: a thread-pool worker may complete a result a greenlet waits for. Every
 * other method must be called on the hub's thread and throws {@link IllegalStateException}
 * elsewhere.
 *
 * <p><b>LoopExit.</b> While a greenlet waits or a raw link (as {@code Gevent.wait}/{@code
 * iwait} register) is there and no outcome is, the result keeps a referenced
 * {@link AsyncWatcher} active, so the hub's main greenlet does not get
 * {@code io.gevent4j.hub.LoopExit} meanwhile: any thread holding a reference may complete it,
 * and which threads hold one cannot be known. Waiting forever on a result nobody
 * completes therefore blocks (bound it with a timeout) where gevent, whose results only
 * its own hub completes, raises {@code LoopExit}.
 */
public final class AsyncResult<T> extends AbstractResult<T> implements Consumer<Greenlet<? extends T>> {

    private AsyncWatcher keepAlive;

    /** An empty result of the current thread's hub. */
    public AsyncResult() {
        super(Hub.current());
    }

    /** Sets the value (replacing an earlier one) and wakes the waiters. Thread-safe. */
    public void set(T value) {
        completeValue(value);
        releaseHub();
    }

    /** Sets the error (replacing an earlier one) and wakes the waiters. Thread-safe. */
    public void setException(Throwable exception) {
        completeException(exception);
        releaseHub();
    }

    /** Takes the outcome of a dead greenlet: its value, its error, or {@code null} if killed. Thread-safe. */
    @Override
    public void accept(Greenlet<? extends T> greenlet) {
        if (greenlet.exception() != null) {
            setException(greenlet.exception());
        } else {
            set(greenlet.value());
        }
    }

    /** Blocks until the outcome is there; returns the value ({@code null} for an error). Never throws the error. */
    public T await() {
        return await(null);
    }

    /**
     * Blocks until the outcome is there or {@code timeout} passed ({@code null}: no limit).
     * Never throws the error nor on expiry.
     *
     * @return the value, or {@code null} if there is none (yet)
     */
    public T await(Duration timeout) {
        awaitOutcome(timeout);
        return value();
    }

    @Override
    protected boolean awaitOutcome(Duration timeout, boolean interruptible) {
        hub().checkCurrent(this);
        keepAlive(true);
        try {
            return super.awaitOutcome(timeout, interruptible);
        } finally {
            keepAlive(linkCount() > 0);
        }
    }

    @Override
    public void rawLink(Runnable callback) {
        super.rawLink(callback);
        keepAlive(true);
    }

    @Override
    public boolean unlinkRaw(Runnable callback) {
        boolean removed = super.unlinkRaw(callback);
        keepAlive(linkCount() > 0);
        return removed;
    }

    /** After completion, from the hub (behind the notifier completion queued): the loop no longer needs keeping. */
    private void releaseHub() {
        if (hub().isCurrent()) {
            keepAlive(false);
        } else {
            hub().loop().runCallbackThreadsafe(() -> keepAlive(false));
        }
    }

    /**
     * Keeps the hub alive while links wait and no outcome is there (a completion may come
     * from another thread). Once an outcome is there the notifier is queued, so the loop
     * has work without it.
     */
    private void keepAlive(boolean linked) {
        if (linked && !ready()) {
            if (keepAlive == null) {
                keepAlive = hub().loop().async();
            }
            keepAlive.start(() -> { });
        } else if (keepAlive != null) {
            keepAlive.stop();
        }
    }
}
