package io.gevent4j.queue;

import java.util.Comparator;

/**
 * A {@link Queue} whose gets take the least item first (gevent's {@code PriorityQueue}):
 * by natural order (items must then be {@link Comparable}) or by a comparator. Items of
 * equal priority come out in no particular order; iteration is in no particular order.
 * Hub-thread only, as every queue.
 */
public class PriorityQueue<T> extends Queue<T> {

    /** An unbounded priority queue of the current thread's hub, by natural order. */
    public PriorityQueue() {
        this(0, null);
    }

    /** A priority queue holding at most {@code maxsize} items (≤ 0: unbounded), by natural order. */
    public PriorityQueue(int maxsize) {
        this(maxsize, null);
    }

    /** A priority queue holding at most {@code maxsize} items, least by {@code comparator} first ({@code null}: natural order). */
    public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
        super(maxsize, Store.priority(comparator));
    }
}
