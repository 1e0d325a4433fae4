package io.gevent4j.threadpool;

import io.gevent4j.AbstractResult;
import io.gevent4j.config.Config;
import io.gevent4j.Timeout;
import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Readiness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of real platform threads whose results the greenlets of one hub wait for
 * cooperatively (gevent's {@code ThreadPool}): the way to run what would block the whole
 * hub inside a greenlet (file I/O, {@code InetAddress} lookups, native calls, CPU-heavy
 * work) while the hub goes on serving its other greenlets.
 *
 * <p>{@link #spawn} queues a task and returns its {@link ThreadResult}; {@link #apply} waits
 * for it; {@link #submit} returns a {@link Future} view. At most {@link #maxSize()} tasks are
 * in the pool (queued or running) at a time: {@code spawn} waits cooperatively for a free
 * slot, as gevent's does. Threads are started on demand up to {@code maxSize} and exit
 * when the pool shrinks or is {@linkplain #kill() killed}, or after {@code idleTimeout}
 * without a task ({@link #DEFAULT_IDLE_TIMEOUT} unless given: gevent's
 * {@code idle_task_timeout}, whose default is "never", which would keep a burst's threads
 * for the hub's whole life).
 *
 * <p>While a task is outstanding the hub's loop stays alive, so a main greenlet that waits
 * for a result never gets {@code LoopExit}. A kill or {@link Timeout} of a waiting greenlet
 * ends only its wait: the task's thread is not interrupted (use
 * {@link ThreadResult#cancel(boolean)} for that).
 *
 * <p><b>Threads.</b> A pool belongs to the hub it was created on: every method must be
 * called there (its platform thread or one of its greenlets) and throws
 * {@link IllegalStateException} elsewhere, except {@link #apply} called from one of the
 * pool's own worker threads, which runs the task at once in that thread (as gevent does).
 *
 * <p><b>Implementation overview.</b> Tasks go through one {@link LinkedBlockingQueue} that
 * the workers take from. A worker never touches hub state: it hands each outcome to the
 * hub with {@code runCallbackThreadsafe}, and {@link #finished} runs there, completes the
 * result, frees a slot and wakes the greenlets that wait for a slot or for
 * {@link #join()}. {@code outstanding} (hub-thread only) counts tasks queued or running;
 * while it is positive a referenced {@link AsyncWatcher} is active, which keeps the loop
 * alive. Shrinking offers {@code STOP} markers: a worker that takes one retires only if
 * the pool still has more workers than {@code maxSize}, by a CAS on {@code workers}. An
 * idle worker leaves {@code workers} first and then looks at the queue: {@code spawn}
 * queues first and then reads {@code workers}, so either it sees the worker gone and
 * starts another, or the worker sees the task and stays (if there is room).
 */
public final class ThreadPool implements AutoCloseable {

    /** The size of {@link #of(Hub)} unless the setting {@code threadpoolSize} says otherwise: gevent's default. */
    public static final int DEFAULT_SIZE = 10;
    /** How long a thread waits for a task before it exits, unless the constructor says otherwise. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final Task<Void> STOP = new Task<>(null, () -> null);
    private static final AtomicLong POOL_IDS = new AtomicLong();

    private final Hub hub;
    private final long id = POOL_IDS.incrementAndGet();
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger workers = new AtomicInteger();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final Readiness slotFree;
    private final Readiness idle;
    private final Readiness terminated;
    private final Set<Task<?>> live = new HashSet<>();
    private final Runnable keepAliveCallback = () -> { };
    private final long idleNanos;
    private volatile int maxSize;
    private volatile boolean killed;
    private boolean shutdown;
    private int outstanding;
    private AsyncWatcher keepAlive;

    /**
     * The hub's own pool (gevent's {@code hub.threadpool}) of {@link #DEFAULT_SIZE}
     * threads: created on first use, the same pool afterwards, killed when the hub
     * closes. Hub-thread only.
     */
    public static ThreadPool of(Hub hub) {
        hub.checkCurrent(hub);
        return hub.service(ThreadPool.class, h -> new ThreadPool(h, Config.get().threadpoolSize()));
    }

    /** A pool of at most {@code maxSize} threads for the current thread's hub. */
    public ThreadPool(int maxSize) {
        this(Hub.current(), maxSize);
    }

    /**
     * A pool of at most {@code maxSize} threads for {@code hub}, which exit after
     * {@link #DEFAULT_IDLE_TIMEOUT} without a task; call it on that hub.
     *
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public ThreadPool(Hub hub, int maxSize) {
        this(hub, maxSize, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * A pool of at most {@code maxSize} threads for {@code hub}, which exit after
     * {@code idleTimeout} without a task ({@code null}: never); call it on that hub.
     *
     * @throws IllegalArgumentException if {@code maxSize} is negative or {@code idleTimeout} not positive
     */
    public ThreadPool(Hub hub, int maxSize, Duration idleTimeout) {
        this.hub = Objects.requireNonNull(hub, "hub");
        hub.checkCurrent(this);
        this.maxSize = checkSize(maxSize);
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new IllegalArgumentException("idleTimeout must be positive (or null for never): " + idleTimeout);
        }
        this.idleNanos = idleTimeout == null ? 0 : idleTimeout.toNanos();
        this.slotFree = Readiness.of(hub, false, this::slotAvailable);
        this.idle = Readiness.of(hub, true, () -> outstanding == 0);
        this.terminated = Readiness.of(hub, true, () -> isShutdown() && outstanding == 0);
    }

    /** The hub whose greenlets wait for this pool's results. */
    public Hub hub() {
        return hub;
    }

    /** The most tasks (queued or running) and threads the pool has at a time. */
    public int maxSize() {
        return maxSize;
    }

    /**
     * Changes {@link #maxSize()}: growing wakes greenlets waiting in {@link #spawn} and
     * starts threads for queued tasks; shrinking retires idle threads (busy ones retire
     * after their task).
     *
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public void setMaxSize(int maxSize) {
        hub.checkCurrent(this);
        this.maxSize = checkSize(maxSize);
        adjust();
        slotFree.signal();
    }

    /** How many worker threads exist now. */
    public int size() {
        return workers.get();
    }

    /** How many tasks are queued or running. */
    public int taskCount() {
        hub.checkCurrent(this);
        return outstanding;
    }

    /** Whether {@link #kill()} was called. */
    public boolean isKilled() {
        return killed;
    }

    /**
     * Queues {@code task} to run on a pool thread and returns its result. Waits
     * cooperatively while {@link #maxSize()} tasks are already in the pool.
     *
     * @throws RejectedExecutionException if the pool was killed or shut down (also while waiting)
     */
    public <T> ThreadResult<T> spawn(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        hub.checkCurrent(this);
        awaitSlot();
        Task<T> t = new Task<>(this, task);
        ThreadResult<T> result = new ThreadResult<>(hub, t);
        t.result = result;
        live.add(t);
        if (outstanding++ == 0) {
            if (keepAlive == null) {
                keepAlive = hub.loop().async();
            }
            keepAlive.start(keepAliveCallback);
        }
        queue.offer(t);
        adjust();
        return result;
    }

    /** As {@link #spawn(Callable)} for a task without a value. */
    public ThreadResult<Void> spawn(Runnable task) {
        Objects.requireNonNull(task, "task");
        return spawn(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Runs {@code task} on a pool thread and waits cooperatively for its value (gevent's
     * {@code apply}); from one of this pool's own threads it runs the task there at once.
     *
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of the
     *         task; its unchecked exceptions and errors are rethrown as they are
     */
    public <T> T apply(Callable<T> task) {
        if (Thread.currentThread() instanceof Worker w && w.pool == this) {
            return AbstractResult.call(task);
        }
        return spawn(task).get();
    }

    /** {@link #spawn} returning the {@link Future} view of the result. */
    public <T> Future<T> submit(Callable<T> task) {
        return spawn(task).asFuture();
    }

    /**
     * Starts threads for queued tasks, up to {@link #maxSize()}, and retires the threads
     * above it (gevent's {@code adjust}). {@link #spawn} and {@link #setMaxSize} call it.
     */
    public void adjust() {
        hub.checkCurrent(this);
        if (killed) {
            return;
        }
        int size;
        while ((size = workers.get()) < maxSize && size < outstanding) {
            if (workers.compareAndSet(size, size + 1)) {
                startWorker();
            }
        }
        for (int excess = workers.get() - maxSize; excess > 0; excess--) {
            queue.offer(STOP);
        }
    }

    /**
     * Waits cooperatively until no task is queued or running (gevent's {@code join}).
     */
    public void join() {
        join(null);
    }

    /**
     * As {@link #join()}, waiting at most {@code timeout} (none if {@code null}); returns
     * whether the pool became idle.
     */
    public boolean join(Duration timeout) {
        return idle.await(timeout);
    }

    /**
     * Stops the pool for good: queued tasks that no thread started fail with
     * {@link CancellationException}, idle threads exit now and busy ones after their task
     * (whose result is still delivered), and {@link #spawn} throws
     * {@link RejectedExecutionException} from now on. Running tasks are not interrupted.
     * Returns the tasks it cancelled. Idempotent.
     */
    public List<Callable<?>> kill() {
        hub.checkCurrent(this);
        List<Callable<?>> cancelled = new ArrayList<>();
        if (killed) {
            return cancelled;
        }
        killed = true;
        maxSize = 0;
        Task<?> t;
        while ((t = queue.poll()) != null) {
            if (t != STOP && t.cancel(false)) {
                cancelled.add(t.body);
            }
        }
        for (int n = workers.get(); n > 0; n--) {
            queue.offer(STOP);
        }
        signalAll();
        if (keepAlive != null && outstanding == 0) {
            keepAlive.close();
        }
        return cancelled;
    }

    /** {@link #kill()}, and the threads still running a task are interrupted ({@code shutdownNow}). */
    List<Callable<?>> killNow() {
        List<Callable<?>> cancelled = kill();
        for (Task<?> t : live) {
            t.interrupt();
        }
        return cancelled;
    }

    /** {@link #kill()}; the hub closes its own pool this way. */
    @Override
    public void close() {
        kill();
    }

    /**
     * An {@link ExecutorService} view for code written against {@code java.util.concurrent}:
     * {@code submit} and {@code execute} spawn (an error of an {@code execute}d task is
     * reported through {@link Hub#handleError}), futures and {@code invokeAll}/
     * {@code invokeAny}/{@code awaitTermination} wait cooperatively, {@code shutdown} lets
     * queued tasks finish and then kills the pool, {@code shutdownNow} kills it at once and
     * interrupts the threads still running a task; tasks that {@code invokeAll}/{@code invokeAny}
     * leave unfinished (timeout, kill, Timeout) are cancelled.
     * Hub-thread only, like the pool.
     */
    public ExecutorService asExecutorService() {
        hub.checkCurrent(this);
        return new ThreadPoolExecutorView(this);
    }

    @Override
    public String toString() {
        return "ThreadPool[" + id + ", size=" + workers.get() + ", maxSize=" + maxSize
                + (killed ? ", killed" : "") + ", " + hub + "]";
    }

    void shutdown() {
        hub.checkCurrent(this);
        shutdown = true;
        if (outstanding == 0) {
            kill();
        } else {
            signalAll();
        }
    }

    /** Waits until the pool is shut down or killed and no task is left, at most {@code timeout}. */
    boolean awaitTermination(Duration timeout) {
        return terminated.await(timeout);
    }

    boolean isShutdown() {
        return shutdown || killed;
    }

    private static int checkSize(int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must not be negative: " + maxSize);
        }
        return maxSize;
    }

    /** Whether a spawn may queue a task now (or must fail: the pool stopped); woken spawners hold their slot. */
    private boolean slotAvailable() {
        return outstanding + slotFree.reserved() < maxSize || isShutdown();
    }

    private void awaitSlot() {
        if (!isShutdown()) {
            slotFree.await(null);
        }
        if (isShutdown()) {
            throw new RejectedExecutionException(this + " was " + (killed ? "killed" : "shut down"));
        }
    }

    /** The pool stopped: every greenlet waiting in {@code spawn}, {@code join} or {@code awaitTermination} looks again. */
    private void signalAll() {
        slotFree.signal();
        idle.signal();
        terminated.signal();
    }

    private void startWorker() {
        Worker w = new Worker(this, "gevent4j-threadpool-" + id + "-" + threadIds.incrementAndGet());
        w.start();
    }

    /** On the hub's thread: a task ended (or was cancelled before it started). */
    private <T> void finished(Task<T> task, T value, Throwable failure) {
        if (!hub.isCurrent()) {
            return; // the hub closed meanwhile: this ran on its orphan thread, nobody waits
        }
        task.result.complete(value, failure);
        live.remove(task);
        if (--outstanding == 0) {
            keepAlive.stop();
            if (shutdown) {
                kill();
            }
            if (killed) {
                keepAlive.close();
            }
        }
        signalAll();
    }

    /** Worker side, after {@code idleNanos} without a task: whether to exit. */
    private boolean retireIdle() {
        workers.decrementAndGet();
        if (queue.isEmpty()) {
            return true;
        }
        int n;
        while ((n = workers.get()) < maxSize) { // a task came: stay, unless spawn started another thread for it
            if (workers.compareAndSet(n, n + 1)) {
                return false;
            }
        }
        return true;
    }

    /** Worker side: a worker may retire only while the pool has more workers than allowed. */
    private boolean tryRetire() {
        int n;
        while ((n = workers.get()) > maxSize) {
            if (workers.compareAndSet(n, n - 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One queued task: NEW → RUNNING → DONE, or NEW/RUNNING → CANCELLED. The state and
     * the running thread are guarded by the task's lock, so an interrupt reaches the
     * thread only while it runs this task, never the next one.
     */
    static final class Task<T> {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;
        private static final int CANCELLED = 3;

        final ThreadPool pool;
        final Callable<T> body;
        ThreadResult<T> result;
        private int state = NEW;
        private Thread runner;

        Task(ThreadPool pool, Callable<T> body) {
            this.pool = pool;
            this.body = body;
        }

        /** Runs on a worker thread; hands the outcome to the hub. */
        void runOnWorker() {
            synchronized (this) {
                if (state != NEW) {
                    return;
                }
                state = RUNNING;
                runner = Thread.currentThread();
            }
            T value = null;
            Throwable failure = null;
            try {
                value = body.call();
            } catch (Throwable t) {
                failure = t;
            } finally {
                synchronized (this) {
                    runner = null;
                    if (state == RUNNING) {
                        state = DONE;
                    }
                }
                Thread.interrupted(); // a cancel(true) must not leak into the next task
            }
            T v = value;
            Throwable f = failure;
            pool.hub.loop().runCallbackThreadsafe(() -> pool.finished(this, v, f));
        }

        /**
         * On the hub's thread. A task not started yet never runs; a running one, optionally
         * interrupted, runs on but its outcome is dropped: either way the result fails with
         * {@link CancellationException} at once. The slot is freed when the thread is.
         */
        boolean cancel(boolean mayInterruptIfRunning) {
            int was;
            synchronized (this) {
                was = state;
                if (was != NEW && was != RUNNING) {
                    return false;
                }
                state = CANCELLED;
                if (mayInterruptIfRunning && runner != null) {
                    runner.interrupt();
                }
            }
            if (was == NEW) {
                pool.queue.remove(this);
                pool.finished(this, null, new CancellationException("task cancelled before it started"));
            } else {
                result.complete(null, new CancellationException("task cancelled while running"));
            }
            return true;
        }

        /** Interrupts the thread running this task, if any. */
        synchronized void interrupt() {
            if (runner != null) {
                runner.interrupt();
            }
        }
    }

    /** A pool thread: takes tasks until it takes a {@code STOP} it may honour or stays idle too long. */
    private static final class Worker extends Thread {
        final ThreadPool pool;

        Worker(ThreadPool pool, String name) {
            super(name);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Task<?> t;
                try {
                    t = pool.idleNanos > 0 ? pool.queue.poll(pool.idleNanos, TimeUnit.NANOSECONDS) : pool.queue.take();
                } catch (InterruptedException e) {
                    continue;
                }
                if (t == null) {
                    if (pool.retireIdle()) {
                        return;
                    }
                    continue;
                }
                if (t == STOP) {
                    if (pool.tryRetire()) {
                        return;
                    }
                    continue;
                }
                t.runOnWorker();
                if (pool.killed && pool.tryRetire()) {
                    return;
                }
            }
        }
    }
}
