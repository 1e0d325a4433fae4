package io.gevent4j.event;

import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.Waitable;
import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A one-time result that greenlets wait for (gevent's {@code AsyncResult}): a value set
 * with {@link #set} or an error set with {@link #setException}. Setting again replaces the
 * outcome (as in gevent).
 *
 * <p><b>Waiting.</b> {@link #get()} blocks and returns the value or rethrows the error as
 * {@link Greenlet#get()} does (unchecked as it is, checked wrapped in
 * {@link CompletionException}); {@link #get(Duration)} and {@link #getNow()} throw
 * {@link Timeout} when no outcome is there; {@link #await()} blocks but never throws the
 * error nor on expiry. {@link #asFuture()} gives the {@link Future} contract. A greenlet
 * that waits on a completed result while earlier waiters are still to be woken waits its
 * turn behind them, as in gevent.
 *
 * <p><b>As a link.</b> It is a {@code Consumer} of greenlets, so
 * {@code greenlet.link(result)} makes it take the greenlet's value or error (a killed
 * greenlet gives {@code null}).
 *
 * <p><b>Threads.</b> It belongs to the hub it was created on. Completion
 * ({@link #set}, {@link #setException}, {@link #accept}) and the non-blocking queries
 * ({@link #ready()}, {@link #successful()}, {@link #value()}, {@link #exception()},
 * {@link #getNow()}) are
 * thread-safe: a thread-pool worker may complete a result a greenlet waits for. Every
 * other method must be called on the hub's thread and throws {@link IllegalStateException}
 * elsewhere.
 *
 * <p><b>Implementation overview.</b> The outcome is one immutable record in a volatile
 * field, so completion is a single write visible to every thread; waiters are woken from
 * the hub, by a loop callback that a foreign thread queues with
 * {@code runCallbackThreadsafe}. While a greenlet waits or a raw link (as
 * {@code Gevent.wait}/{@code iwait} register) is there and no outcome is, the result
 * keeps a referenced {@link AsyncWatcher} active: a completion may come from another
 * thread, so the hub's main greenlet must not get {@link io.gevent4j.LoopExit} meanwhile.
 * The price is that waiting forever on a result nobody completes blocks (until a timeout)
 * instead of raising {@code LoopExit}.
 */
public final class AsyncResult<T> implements Waitable, Consumer<Greenlet<? extends T>> {

    private record Outcome(Object value, Throwable exception) {
    }

    private final Hub hub;
    private final Links links;
    private volatile Outcome outcome;
    private volatile CompletableFuture<T> future;
    private AsyncWatcher keepAlive;

    /** An empty result of the current thread's hub. */
    public AsyncResult() {
        this.hub = Hub.current();
        this.links = new Links(hub, this::ready);
    }

    /** Completes the result with {@code value} and wakes the waiters. Thread-safe. */
    public void set(T value) {
        complete(new Outcome(value, null));
    }

    /** Completes the result with {@code exception} and wakes the waiters. Thread-safe. */
    public void setException(Throwable exception) {
        complete(new Outcome(null, Objects.requireNonNull(exception, "exception")));
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

    private void complete(Outcome o) {
        outcome = o;
        CompletableFuture<T> f = future;
        if (f != null) {
            completeFuture(f, o);
        }
        if (hub.isCurrent()) {
            notifyWaiters();
        } else {
            hub.loop().runCallbackThreadsafe(this::notifyWaiters);
        }
    }

    private void notifyWaiters() {
        links.scheduleNotify();
        if (keepAlive != null) {
            keepAlive.stop();
        }
    }

    /**
     * Keeps the hub alive while links wait and no outcome is there (a completion may come
     * from another thread); lets it go once no link is left. Only the notifier stops it
     * for an outcome: it is queued by then, so the loop still has work.
     */
    private void linksChanged() {
        if (links.size() == 0) {
            if (keepAlive != null) {
                keepAlive.stop();
            }
        } else if (outcome == null) {
            if (keepAlive == null) {
                keepAlive = hub.loop().async();
            }
            keepAlive.start(() -> { });
        }
    }

    /** Whether an outcome was set. Thread-safe. */
    @Override
    public boolean ready() {
        return outcome != null;
    }

    /** Whether a value (not an error) was set. Thread-safe. */
    public boolean successful() {
        Outcome o = outcome;
        return o != null && o.exception == null;
    }

    /** The value, or {@code null} if none was set. Thread-safe. */
    @SuppressWarnings("unchecked")
    public T value() {
        Outcome o = outcome;
        return o == null ? null : (T) o.value;
    }

    /** The error, or {@code null} if none was set. Thread-safe. */
    public Throwable exception() {
        Outcome o = outcome;
        return o == null ? null : o.exception;
    }

    /** Blocks until the outcome is there; returns the value or rethrows the error. */
    public T get() {
        await(null);
        return result(outcome);
    }

    /**
     * Like {@link #get()} but waits at most {@code timeout}.
     *
     * @throws Timeout if no outcome arrived in time
     */
    public T get(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        await(timeout);
        Outcome o = outcome;
        if (o == null) {
            throw new Timeout(timeout);
        }
        return result(o);
    }

    /**
     * The value without blocking, or the error rethrown. Thread-safe.
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
        hub.checkCurrent(this);
        if (outcome != null) {
            if (links.notifying()) {
                block(null);
            }
        } else if (timeout == null || timeout.isPositive()) {
            block(timeout);
        }
        return value();
    }

    private void block(Duration timeout) {
        Waiter<Void> waiter = new Waiter<>(hub);
        Runnable link = () -> {
            if (!waiter.ready()) {
                waiter.switchTo(null);
            }
        };
        links.add(link);
        linksChanged();
        TimerWatcher timer = null;
        try {
            if (timeout != null) {
                timer = hub.loop().timer(timeout);
                timer.start(waiter);
            }
            waiter.get();
        } finally {
            links.remove(link);
            linksChanged();
            if (timer != null) {
                timer.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T result(Outcome o) {
        Throwable e = o.exception;
        if (e == null) {
            return (T) o.value;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new CompletionException(e);
    }

    /** Runs {@code callback} once, from the hub, after the outcome is set (soon, if it is). */
    @Override
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        hub.checkCurrent(this);
        links.add(callback);
        linksChanged();
    }

    @Override
    public boolean unlinkRaw(Runnable callback) {
        hub.checkCurrent(this);
        boolean removed = links.remove(callback);
        linksChanged();
        return removed;
    }

    /**
     * A {@link Future} view: {@code get} waits (cooperatively on this hub's thread, by
     * blocking elsewhere) and wraps an error in {@link ExecutionException};
     * {@code cancel} completes the result with a {@link CancellationException}. The view
     * completes once, with the first outcome: setting the result again does not change
     * it. It may be created and used from any thread.
     */
    public Future<T> asFuture() {
        CompletableFuture<T> f = future;
        if (f == null) {
            synchronized (this) {
                f = future;
                if (f == null) {
                    f = new CompletableFuture<>();
                    future = f;
                }
            }
        }
        Outcome o = outcome;
        if (o != null) {
            completeFuture(f, o);
        }
        return new FutureView(f);
    }

    @SuppressWarnings("unchecked")
    private static <T> void completeFuture(CompletableFuture<T> f, Outcome o) {
        if (o.exception != null) {
            f.completeExceptionally(o.exception);
        } else {
            f.complete((T) o.value);
        }
    }

    @Override
    public String toString() {
        Outcome o = outcome;
        return "AsyncResult[" + (o == null ? "unset" : o.exception != null ? "exception=" + o.exception
                : "value=" + o.value) + "]";
    }

    private final class FutureView implements Future<T> {
        private final CompletableFuture<T> done;

        FutureView(CompletableFuture<T> done) {
            this.done = done;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (!done.cancel(mayInterruptIfRunning)) {
                return false;
            }
            setException(new CancellationException());
            return true;
        }

        @Override
        public boolean isCancelled() {
            return done.isCancelled();
        }

        @Override
        public boolean isDone() {
            return ready();
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            if (hub.isCurrent()) {
                await(null);
                completeFuture(done, outcome);
            }
            return done.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (!hub.isCurrent()) {
                return done.get(timeout, unit);
            }
            await(Duration.ofNanos(unit.toNanos(timeout)));
            Outcome o = outcome;
            if (o == null) {
                throw new TimeoutException();
            }
            completeFuture(done, o);
            return done.get();
        }
    }
}
