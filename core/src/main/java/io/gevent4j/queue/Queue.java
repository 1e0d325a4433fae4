package io.gevent4j.queue;

import io.gevent4j.event.Event;

import java.time.Duration;

/**
 * gevent's {@code Queue} (gevent 25.4+, formerly {@code JoinableQueue}): a
 * {@link SimpleQueue} that counts unfinished tasks and can be shut down.
 *
 * <p>Each put adds an unfinished task; a consumer calls {@link #taskDone()} when it has
 * processed an item it got; {@link #join()} blocks until every task is done.
 * {@link #shutdown()} makes puts throw {@link ShutDown} at once and gets once the queue is
 * empty; {@link #shutdown(boolean) shutdown(true)} also drops the items, marking each
 * done, so gets throw at once. Greenlets blocked in put or get are woken and get
 * {@code ShutDown}.
 *
 * <p>Hub-thread only, as every queue: see {@link SimpleQueue}.
 */
public class Queue<T> extends SimpleQueue<T> {

    /** Set exactly while {@code unfinishedTasks} is 0. */
    private final Event allDone = new Event();
    private int unfinishedTasks;

    /** An unbounded queue of the current thread's hub. */
    public Queue() {
        this(0);
    }

    /** A queue holding at most {@code maxsize} items (≤ 0: unbounded). */
    public Queue(int maxsize) {
        this(maxsize, Store.fifo());
    }

    Queue(int maxsize, Store<T> items) {
        super(maxsize, items);
        allDone.set();
    }

    @Override
    final void didPut() {
        if (unfinishedTasks++ == 0) {
            allDone.clear();
        }
    }

    /** How many items were put and not yet marked done. */
    public int unfinishedTasks() {
        hub.checkCurrent(this);
        return unfinishedTasks;
    }

    /**
     * Marks one item got earlier as processed; wakes {@link #join()} when none is left.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        hub.checkCurrent(this);
        if (unfinishedTasks <= 0) {
            throw new IllegalStateException("taskDone() called too many times");
        }
        if (--unfinishedTasks == 0) {
            allDone.set();
        }
    }

    /** Blocks until every item put has been marked done; returns {@code true}, as gevent's {@code join()}. */
    public boolean join() {
        return join(null);
    }

    /**
     * Blocks until every item put has been marked done or {@code timeout} passed
     * ({@code null}: no limit).
     *
     * @return whether all tasks are done
     */
    public boolean join(Duration timeout) {
        hub.checkCurrent(this);
        return allDone.await(timeout);
    }

    /** Whether {@link #shutdown} was called. */
    public boolean isShutdown() {
        hub.checkCurrent(this);
        return shutdown;
    }

    /** Shuts the queue down, letting gets drain the items first. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: puts throw {@link ShutDown}; gets throw it once the queue is
     * empty. With {@code immediate}, the items are dropped now and each counts as done, so
     * gets throw at once and {@link #join()} may return. Blocked putters and getters wake
     * and throw {@code ShutDown}.
     */
    public void shutdown(boolean immediate) {
        hub.checkCurrent(this);
        shutdown = true;
        if (immediate) {
            dropItems();
        }
        balance();
    }

    /**
     * Removes every item and marks each done, as an immediate shutdown does: nobody can
     * process an item dropped here, so {@link #join()} must not wait for it.
     */
    @Override
    public void clear() {
        hub.checkCurrent(this);
        dropItems();
        balance();
    }

    private void dropItems() {
        int dropped = clearItems();
        for (int i = 0; i < dropped && unfinishedTasks > 0; i++) {
            taskDone();
        }
    }
}
