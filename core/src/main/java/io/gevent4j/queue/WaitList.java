package io.gevent4j.queue;

import io.gevent4j.hub.Waiter;

import java.util.ArrayDeque;

/**
 * The FIFO of greenlets blocked on one side of a queue (getters or putters). Hub-thread only.
 *
 * <p>Waking removes the head waiter and counts it in {@link #woken} until it runs again:
 * the queue reserves an item (or a free slot) for each woken waiter, so a greenlet that did
 * not wait cannot take what was promised to one that did. Nothing is ever handed to a
 * waiter: it takes the item itself when it runs, so a waiter killed meanwhile loses nothing.
 */
final class WaitList {

    private final ArrayDeque<Waiter<Boolean>> waiting = new ArrayDeque<>();
    int woken;

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    int waitingCount() {
        return waiting.size();
    }

    void wakeOne() {
        Waiter<Boolean> w = waiting.pollFirst();
        woken++;
        w.switchTo(Boolean.TRUE);
    }

    void wakeAll() {
        while (!waiting.isEmpty()) {
            wakeOne();
        }
    }

    /**
     * Blocks on {@code waiter} (cleared first) at the tail of the list; returns whether it
     * was woken by {@link #wakeOne} ({@code false}: switched by a timer). Throws a kill or
     * Timeout raised meanwhile; the list stays consistent either way.
     */
    boolean await(Waiter<Boolean> waiter) {
        waiter.clear();
        waiting.addLast(waiter);
        try {
            return waiter.get();
        } finally {
            if (!waiting.removeFirstOccurrence(waiter)) {
                woken--;
            }
        }
    }
}
