package io.gevent4j.queue;

/**
 * A {@link Queue} whose gets take the most recently put item first (gevent's
 * {@code LifoQueue}). Hub-thread only, as every queue.
 */
public class LifoQueue<T> extends Queue<T> {

    /** An unbounded LIFO queue of the current thread's hub. */
    public LifoQueue() {
        this(0);
    }

    /** A LIFO queue holding at most {@code maxsize} items (≤ 0: unbounded). */
    public LifoQueue(int maxsize) {
        super(maxsize, Store.lifo());
    }
}
