package io.gevent4j.threadpool;

import io.gevent4j.AbstractResult;
import io.gevent4j.Waiting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link ExecutorService} view of a {@link ThreadPool} ({@link ThreadPool#asExecutorService()}).
 * Hub-thread only; every wait is cooperative.
 */
final class ThreadPoolExecutorView implements ExecutorService {

    private final ThreadPool pool;

    ThreadPoolExecutorView(ThreadPool pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        ThreadResult<Void> r = pool.spawn(command);
        r.rawLink(() -> {
            if (r.exception() != null) {
                pool.hub().handleError(command, r.exception());
            }
        });
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return pool.submit(task);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T value) {
        Objects.requireNonNull(task, "task");
        return pool.submit(() -> {
            task.run();
            return value;
        });
    }

    @Override
    public Future<?> submit(Runnable task) {
        return submit(task, null);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
        return invokeAll(tasks, null);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
        return invokeAll(tasks, ThreadResult.duration(timeout, unit));
    }

    /** Tasks not done by the deadline, or when the wait ends by a kill or Timeout, are cancelled. */
    private <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, Duration timeout) {
        List<ThreadResult<T>> results = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                results.add(pool.spawn(t));
            }
            Waiting.wait(results, timeout, 0);
        } finally {
            for (ThreadResult<T> r : results) {
                r.cancel(true);
            }
        }
        List<Future<T>> futures = new ArrayList<>(results.size());
        for (ThreadResult<T> r : results) {
            futures.add(r.asFuture());
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws ExecutionException {
        try {
            return invokeAny(tasks, null);
        } catch (TimeoutException e) {
            throw new AssertionError("no timeout was given", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws ExecutionException, TimeoutException {
        return invokeAny(tasks, ThreadResult.duration(timeout, unit));
    }

    /** The first successful value; every other task is cancelled, however the wait ends. */
    private <T> T invokeAny(Collection<? extends Callable<T>> tasks, Duration timeout)
            throws ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        List<ThreadResult<T>> results = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                results.add(pool.spawn(t));
            }
            int failed = 0;
            Throwable last = null;
            try (Waiting<ThreadResult<T>> done = Waiting.iwait(results, timeout, 0)) {
                for (ThreadResult<T> r : done) {
                    if (r.successful()) {
                        return r.value();
                    }
                    failed++;
                    last = r.exception();
                }
            }
            if (failed == results.size()) {
                throw new ExecutionException("every task failed; the last error", last);
            }
            throw new TimeoutException("no task succeeded within " + timeout);
        } finally {
            for (ThreadResult<T> r : results) {
                r.cancel(true);
            }
        }
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> left = new ArrayList<>();
        for (Callable<?> c : pool.killNow()) {
            left.add(() -> AbstractResult.call(c));
        }
        return left;
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isShutdown() && pool.taskCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return pool.awaitTermination(ThreadResult.duration(timeout, unit));
    }

    @Override
    public void close() {
        shutdown();
        pool.join();
    }
}
