package io.gevent4j.threadpool;

import io.gevent4j.Timeout;
import io.gevent4j.Waitable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The result of a task that a {@link ThreadPool} runs on one of its threads (gevent's
 * {@code AsyncResult} returned by {@code ThreadPool.spawn}): greenlets of the pool's hub
 * wait for it cooperatively, so the hub keeps running other greenlets meanwhile.
 *
 * <p>{@link #get()} rethrows the task's error as it is when unchecked, wrapped in
 * {@link CompletionException} when checked; a task cancelled before it started fails with
 * {@link CancellationException}. {@link #asFuture()} gives the {@link Future} contract
 * (errors wrapped in {@link ExecutionException}). A kill or {@link Timeout} of a waiting
 * greenlet ends its wait only; the task runs on and its result is still recorded.
 *
 * <p>Hub-thread only: every method must be called on the pool's hub (its platform thread
 * or one of its greenlets) and throws {@link IllegalStateException} elsewhere.
 *
 * <p><b>Implementation overview.</b> The worker thread never touches this object: it hands
 * the outcome to the hub with {@code runCallbackThreadsafe}, and {@link #complete} runs
 * there, records it, wakes the waiting greenlets and runs the raw links in order.
 */
public final class ThreadResult<T> implements Waitable {

    private final Hub hub;
    private final ArrayDeque<Runnable> links = new ArrayDeque<>(2);
    private boolean ready;
    private T value;
    private Throwable exception;
    final ThreadPool.Task<T> task;

    ThreadResult(Hub hub, ThreadPool.Task<T> task) {
        this.hub = hub;
        this.task = task;
    }

    /** Whether the task ended (or was cancelled). */
    @Override
    public boolean ready() {
        hub.checkCurrent(this);
        return ready;
    }

    /** Whether the task ended by returning. */
    public boolean successful() {
        hub.checkCurrent(this);
        return ready && exception == null;
    }

    /** The task's return value, or {@code null} while it runs or when it failed. */
    public T value() {
        hub.checkCurrent(this);
        return value;
    }

    /** The task's error (or the {@link CancellationException}), or {@code null}. */
    public Throwable exception() {
        hub.checkCurrent(this);
        return exception;
    }

    /**
     * Waits cooperatively until the task ends and returns its value.
     *
     * @throws CompletionException wrapping the task's checked exception; the task's
     *         unchecked exception or error is rethrown as it is
     */
    public T get() {
        hub.checkCurrent(this);
        awaitReady(null);
        return valueOrThrow();
    }

    /**
     * As {@link #get()}, waiting at most {@code timeout}.
     *
     * @throws Timeout if the task has not ended within {@code timeout}
     */
    public T get(Duration timeout) {
        hub.checkCurrent(this);
        if (!awaitReady(timeout)) {
            throw new Timeout(timeout);
        }
        return valueOrThrow();
    }

    /** Waits cooperatively until the task ends, at most {@code timeout} if not null; returns {@link #ready()}. */
    public boolean await(Duration timeout) {
        hub.checkCurrent(this);
        return awaitReady(timeout);
    }

    /**
     * Cancels the task, as {@link java.util.concurrent.FutureTask} does: unless it has
     * ended, the result fails with {@link CancellationException} at once and this returns
     * true. A task no thread has started never runs; a running one runs on (its thread
     * interrupted if {@code mayInterruptIfRunning}) and its outcome is dropped; it keeps
     * its slot in the pool until its thread is free.
     */
    public boolean cancel(boolean mayInterruptIfRunning) {
        hub.checkCurrent(this);
        return task.cancel(mayInterruptIfRunning);
    }

    @Override
    public void rawLink(Runnable callback) {
        hub.checkCurrent(this);
        links.addLast(java.util.Objects.requireNonNull(callback, "callback"));
        if (ready) {
            hub.loop().runCallback(this::notifyLinks);
        }
    }

    @Override
    public boolean unlinkRaw(Runnable callback) {
        hub.checkCurrent(this);
        for (Iterator<Runnable> it = links.iterator(); it.hasNext(); ) {
            if (it.next() == callback) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * A {@link Future} view: {@code get} waits cooperatively and wraps the task's error in
     * {@link ExecutionException}; a {@code get} with a timeout that expires throws
     * {@link TimeoutException}. Hub-thread only, like the result.
     */
    public Future<T> asFuture() {
        hub.checkCurrent(this);
        return new FutureView();
    }

    /** Records the outcome; runs on the hub's thread, from the worker's callback. */
    void complete(T result, Throwable failure) {
        if (ready) {
            return;
        }
        ready = true;
        value = result;
        exception = failure;
        notifyLinks();
    }

    private void notifyLinks() {
        Runnable link;
        while ((link = links.pollFirst()) != null) {
            try {
                link.run();
            } catch (Throwable t) {
                hub.handleError(link, t);
            }
        }
    }

    private boolean awaitReady(Duration timeout) {
        if (ready) {
            return true;
        }
        Waiter<Void> waiter = new Waiter<>(hub);
        links.addLast(waiter);
        TimerWatcher timer = null;
        try {
            if (timeout != null) {
                timer = hub.loop().timer(timeout);
                timer.start(waiter);
            }
            waiter.get();
            return ready;
        } finally {
            links.remove(waiter);
            if (timer != null) {
                timer.close();
            }
        }
    }

    /** A {@code java.util.concurrent} timeout as a Duration, saturating (Long.MAX_VALUE DAYS is "forever", not an overflow). */
    static Duration duration(long timeout, TimeUnit unit) {
        return Duration.ofNanos(unit.toNanos(timeout));
    }

    private T valueOrThrow() {
        if (exception == null) {
            return value;
        }
        if (exception instanceof RuntimeException || exception instanceof Error) {
            throw sneaky(exception);
        }
        throw new CompletionException(exception);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Override
    public String toString() {
        return "ThreadResult[" + (!ready ? "pending" : exception != null ? "failed: " + exception : "value=" + value) + "]";
    }

    private final class FutureView implements Future<T> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return ThreadResult.this.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return ready() && exception instanceof CancellationException;
        }

        @Override
        public boolean isDone() {
            return ready();
        }

        @Override
        public T get() throws ExecutionException {
            hub.checkCurrent(ThreadResult.this);
            awaitReady(null);
            return futureValue();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws ExecutionException, TimeoutException {
            hub.checkCurrent(ThreadResult.this);
            if (!awaitReady(duration(timeout, unit))) {
                throw new TimeoutException("task did not end within " + timeout + " " + unit);
            }
            return futureValue();
        }

        private T futureValue() throws ExecutionException {
            if (exception instanceof CancellationException c) {
                throw c;
            }
            if (exception != null) {
                throw new ExecutionException(exception);
            }
            return value;
        }
    }
}
