package io.gevent4j.hub;

import java.util.Arrays;

/**
 * A binary min-heap of timers by (deadline, start sequence), with each timer's index kept
 * in the timer so removal is O(log n). Hub-thread only; no allocation once grown.
 */
final class TimerHeap {

    private TimerWatcher[] heap = new TimerWatcher[64];
    private int size;
    private long sequence;

    int size() {
        return size;
    }

    TimerWatcher peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerWatcher t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.sequence = sequence++;
        siftUp(size++, t);
    }

    TimerWatcher poll() {
        TimerWatcher first = heap[0];
        removeAt(0);
        return first;
    }

    void remove(TimerWatcher t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    private void removeAt(int i) {
        TimerWatcher removed = heap[i];
        removed.heapIndex = -1;
        TimerWatcher last = heap[--size];
        heap[size] = null;
        if (i < size) {
            siftDown(i, last);
            if (heap[i] == last) {
                siftUp(i, last);
            }
        }
    }

    private static boolean before(TimerWatcher a, TimerWatcher b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.sequence < b.sequence);
    }

    private void siftUp(int i, TimerWatcher t) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerWatcher p = heap[parent];
            if (!before(t, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i, TimerWatcher t) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerWatcher c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, t)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
