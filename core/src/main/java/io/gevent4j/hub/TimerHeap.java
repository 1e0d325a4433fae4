package io.gevent4j.hub;

import java.util.Arrays;

/**
 * A binary min-heap of timers by (deadline, start sequence), with each timer's index kept
 * in the timer so removal is O(log n). Hub-thread only; no allocation once grown.
 *
 * <p>The keys live in the heap's own arrays beside the timers ({@code deadlines},
 * {@code sequences}), as libev keeps its "ANHE" entries: sifting compares numbers in two
 * dense arrays instead of reading each key from a timer object scattered over the heap,
 * which with 100,000 sleeping greenlets is a cache miss per comparison.
 */
final class TimerHeap {

    private TimerWatcher[] timers = new TimerWatcher[64];
    private long[] deadlines = new long[64];
    private long[] sequences = new long[64];
    private int size;
    private long sequence;

    int size() {
        return size;
    }

    /** The timer at heap position {@code i}, for listing them in no particular order. */
    TimerWatcher get(int i) {
        return timers[i];
    }

    /** The earliest deadline; only when {@link #size()} is positive. */
    long firstDeadline() {
        return deadlines[0];
    }

    void add(TimerWatcher t) {
        if (size == timers.length) {
            int capacity = size * 2;
            timers = Arrays.copyOf(timers, capacity);
            deadlines = Arrays.copyOf(deadlines, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
        }
        siftUp(size++, t, t.deadline, sequence++);
    }

    TimerWatcher poll() {
        TimerWatcher first = timers[0];
        removeAt(0);
        return first;
    }

    void remove(TimerWatcher t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && timers[i] == t) {
            removeAt(i);
        }
    }

    private void removeAt(int i) {
        timers[i].heapIndex = -1;
        int last = --size;
        TimerWatcher moved = timers[last];
        long deadline = deadlines[last];
        long seq = sequences[last];
        timers[last] = null;
        if (i < last) {
            siftDown(i, moved, deadline, seq);
            if (timers[i] == moved) {
                siftUp(i, moved, deadline, seq);
            }
        }
    }

    private static boolean less(long deadline1, long seq1, long deadline2, long seq2) {
        long d = deadline1 - deadline2;
        return d < 0 || (d == 0 && seq1 < seq2);
    }

    private void place(int i, TimerWatcher t, long deadline, long seq) {
        timers[i] = t;
        deadlines[i] = deadline;
        sequences[i] = seq;
        t.heapIndex = i;
    }

    private void siftUp(int i, TimerWatcher t, long deadline, long seq) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(deadline, seq, deadlines[parent], sequences[parent])) {
                break;
            }
            place(i, timers[parent], deadlines[parent], sequences[parent]);
            i = parent;
        }
        place(i, t, deadline, seq);
    }

    private void siftDown(int i, TimerWatcher t, long deadline, long seq) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(deadlines[right], sequences[right], deadlines[child], sequences[child])) {
                child = right;
            }
            if (!less(deadlines[child], sequences[child], deadline, seq)) {
                break;
            }
            place(i, timers[child], deadlines[child], sequences[child]);
            i = child;
        }
        place(i, t, deadline, seq);
    }
}
