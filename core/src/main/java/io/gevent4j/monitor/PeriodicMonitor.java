package io.gevent4j.monitor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A daemon platform thread that runs {@link #check()} every period and hands what it finds
 * to listeners: what the blocking and memory monitors share (gevent's
 * {@code PeriodicMonitoringThread}). Listeners run on the monitor thread, in the order
 * added; one that throws is reported to the {@code io.gevent4j.monitor} logger and the
 * others still run. Thread-safe.
 *
 * @param <E> the kind of event it reports
 */
abstract sealed class PeriodicMonitor<E> implements AutoCloseable permits BlockingMonitor, MemoryMonitor {

    static final System.Logger LOG = System.getLogger("io.gevent4j.monitor");
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final List<Consumer<? super E>> listeners = new CopyOnWriteArrayList<>();
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean closed;

    PeriodicMonitor(String threadName, Duration period) {
        this.periodNanos = period.toNanos();
        this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this::runChecks);
    }

    /** Adds a listener, called on the monitor thread for every event. Any thread. */
    public final void addListener(Consumer<? super E> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before; returns whether it was there. Any thread. */
    public final boolean removeListener(Consumer<? super E> listener) {
        return listeners.remove(listener);
    }

    /**
     * Starts the monitor thread; does nothing if it runs already.
     *
     * @throws IllegalStateException if the monitor was closed
     */
    public final synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the monitor was closed");
        }
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
    }

    /**
     * Stops the monitor thread and waits (at most 10 s, one check) until it ended, unless
     * called by the monitor thread itself (from a listener). Idempotent; any thread.
     */
    @Override
    public final void close() {
        synchronized (this) {
            closed = true;
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread && thread.getState() != Thread.State.NEW) {
            try {
                thread.join(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Monitor thread: looks once and {@linkplain #emit emits} what it found. */
    abstract void check();

    /** Monitor thread: hands {@code event} to every listener. */
    final void emit(E event) {
        for (Consumer<? super E> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, () -> "gevent4j: a monitor listener failed on " + event, e);
            }
        }
    }

    private void runChecks() {
        while (!closed) {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "gevent4j: a monitor check failed", e);
            }
            long next = System.nanoTime() + periodNanos;
            long wait;
            while (!closed && (wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }
}
