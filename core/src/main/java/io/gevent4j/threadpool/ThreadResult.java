package io.gevent4j.threadpool;

import io.gevent4j.AbstractResult;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The result of a task that a {@link ThreadPool} runs on one of its threads (gevent's
 * {@code AsyncResult} returned by {@code ThreadPool.spawn}): greenlets of the pool's hub
 * wait for it cooperatively, so the hub keeps running other greenlets meanwhile.
 *
 * <p>{@link #get()} rethrows the task's error as it is when unchecked, wrapped in
 * {@link CompletionException} when checked; a cancelled task fails with
 * {@link CancellationException}. {@link #asFuture()} gives the {@link Future} contract
 * (errors wrapped in {@link ExecutionException}). A kill or {@link Timeout} of a waiting
 * greenlet ends its wait only; the task runs on and its result is still recorded.
 *
 * <p><b>Threads.</b> Waiting and {@link #cancel} must happen on the pool's hub (its
 * platform thread or one of its greenlets) and throw {@link IllegalStateException}
 * elsewhere; the queries may be called from any thread, and the {@code Future} view
 * from any thread (off the hub it blocks that thread).
 *
 * <p><b>Implementation overview.</b> The worker thread never touches this object: it hands
 * the outcome to the hub with {@code runCallbackThreadsafe}, and {@link #complete} runs
 * there and records it once; the first outcome (a cancellation, say) is the one kept.
 */
public final class ThreadResult<T> extends AbstractResult<T> {

    final ThreadPool.Task<T> task;

    ThreadResult(Hub hub, ThreadPool.Task<T> task) {
        super(hub);
        this.task = task;
    }

    /** Waits cooperatively until the task ends, at most {@code timeout} if not null; returns {@link #ready()}. */
    public boolean await(Duration timeout) {
        return awaitOutcome(timeout);
    }

    /**
     * Cancels the task, as {@link java.util.concurrent.FutureTask} does: unless it has
     * ended, the result fails with {@link CancellationException} at once and this returns
     * true. A task no thread has started never runs; a running one runs on (its thread
     * interrupted if {@code mayInterruptIfRunning}) and its outcome is dropped; it keeps
     * its slot in the pool until its thread is free.
     */
    public boolean cancel(boolean mayInterruptIfRunning) {
        hub().checkCurrent(this);
        return task.cancel(mayInterruptIfRunning);
    }

    /** The Future view's cancel, from any thread: handed to the hub. */
    @Override
    protected void cancelWork(boolean mayInterruptIfRunning) {
        if (hub().isCurrent()) {
            task.cancel(mayInterruptIfRunning);
        } else {
            hub().loop().runCallbackThreadsafe(() -> task.cancel(mayInterruptIfRunning));
        }
    }

    /** Records the outcome unless one is there; runs on the hub's thread. */
    void complete(T value, Throwable failure) {
        if (ready()) {
            return;
        }
        if (failure == null) {
            completeValue(value);
        } else {
            completeException(failure);
        }
    }

    /** A {@code java.util.concurrent} timeout as a Duration, saturating (Long.MAX_VALUE DAYS is "forever", not an overflow). */
    static Duration duration(long timeout, TimeUnit unit) {
        return Duration.ofNanos(unit.toNanos(timeout));
    }
}
