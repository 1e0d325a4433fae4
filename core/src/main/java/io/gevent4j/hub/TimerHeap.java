package io.gevent4j.hub;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The loop's timers, ordered by (deadline, start sequence): a binary min-heap, and beside it
 * a run of timers that were added in deadline order. Hub-thread only; no allocation once grown.
 *
 * <p>The run is what makes the common case cheap: timers started with one delay (100,000
 * greenlets that each sleep 0.1 s, a timeout per request) arrive in deadline order, and
 * each is appended to the run and later taken from its head in O(1), where the heap costs
 * O(log n) per add and per poll, with a cache miss at each level once it is large. A timer
 * whose deadline is earlier than the run's last goes to the heap. {@link #poll()} takes the
 * smaller of the two heads.
 *
 * <p>The keys live in the structures' own arrays beside the timers ({@code deadlines},
 * {@code sequences}), as libev keeps its "ANHE" entries: sifting compares numbers in dense
 * arrays instead of reading each key from a timer object scattered over the heap.
 *
 * <p>Each timer knows where it is, so removal is O(log n) in the heap and O(1) in the run:
 * {@code heapIndex} is its heap position, or {@code -2 - slot} for its slot in the run's
 * ring, or -1 when it is in neither. A timer removed from the run leaves an empty slot; the
 * run's head is always a timer (empty slots there are skipped at once), and the run is
 * compacted in place when its empty slots outnumber its timers, so from head to tail it
 * spans at most twice as many slots as it holds timers, plus a constant.
 */
final class TimerHeap {

    private static final int INITIAL = 64;

    private TimerWatcher[] timers = new TimerWatcher[INITIAL];
    private long[] deadlines = new long[INITIAL];
    private long[] sequences = new long[INITIAL];
    private int size;
    private long sequence;

    /** The run: a ring of {@code runTimers.length} (a power of two) slots from {@code runHead} to {@code runTail}. */
    private TimerWatcher[] runTimers = new TimerWatcher[INITIAL];
    private long[] runDeadlines = new long[INITIAL];
    private long[] runSequences = new long[INITIAL];
    private int runHead;
    private int runTail;
    private int runCount;
    private long runLastDeadline;

    /** How many timers there are. */
    int size() {
        return size + runCount;
    }

    /** Gives {@code action} every timer, in no particular order. */
    void forEach(Consumer<TimerWatcher> action) {
        for (int i = 0; i < size; i++) {
            action.accept(timers[i]);
        }
        for (int i = runHead; i != runTail; i = (i + 1) & (runTimers.length - 1)) {
            if (runTimers[i] != null) {
                action.accept(runTimers[i]);
            }
        }
    }

    /** The earliest deadline; only when {@link #size()} is positive. */
    long firstDeadline() {
        if (runCount == 0) {
            return deadlines[0];
        }
        if (size == 0) {
            return runDeadlines[runHead];
        }
        return Math.min(deadlines[0], runDeadlines[runHead]);
    }

    void add(TimerWatcher t) {
        long seq = sequence++;
        if (runCount == 0 || t.deadline - runLastDeadline >= 0) {
            append(t, seq);
            return;
        }
        if (size == timers.length) {
            int capacity = size * 2;
            timers = Arrays.copyOf(timers, capacity);
            deadlines = Arrays.copyOf(deadlines, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
        }
        siftUp(size++, t, t.deadline, seq);
    }

    /** Takes the first timer; only when {@link #size()} is positive. */
    TimerWatcher poll() {
        if (runCount > 0 && (size == 0 || less(runDeadlines[runHead], runSequences[runHead], deadlines[0], sequences[0]))) {
            TimerWatcher first = runTimers[runHead];
            removeFromRun(runHead);
            return first;
        }
        TimerWatcher first = timers[0];
        removeAt(0);
        return first;
    }

    void remove(TimerWatcher t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && timers[i] == t) {
            removeAt(i);
        } else if (i <= -2 && -2 - i < runTimers.length && runTimers[-2 - i] == t) {
            removeFromRun(-2 - i);
        }
    }

    private void append(TimerWatcher t, long seq) {
        int mask = runTimers.length - 1;
        if (runCount == 0) {
            runHead = 0;
            runTail = 0;
        } else if (((runTail + 1) & mask) == runHead) {
            if (runCount * 2 >= runTimers.length) {
                growRun();
                mask = runTimers.length - 1;
            } else {
                compactRun();
            }
        }
        runTimers[runTail] = t;
        runDeadlines[runTail] = t.deadline;
        runSequences[runTail] = seq;
        t.heapIndex = -2 - runTail;
        runTail = (runTail + 1) & mask;
        runCount++;
        runLastDeadline = t.deadline;
    }

    private void removeFromRun(int slot) {
        runTimers[slot].heapIndex = -1;
        runTimers[slot] = null;
        runCount--;
        int mask = runTimers.length - 1;
        while (runHead != runTail && runTimers[runHead] == null) {
            runHead = (runHead + 1) & mask;
        }
        int slots = (runTail - runHead) & mask;
        if (slots - runCount > runCount && slots > INITIAL) {
            compactRun();
        }
    }

    /** Moves the run's timers up over its empty slots, in place and in order, from its head on. */
    private void compactRun() {
        int mask = runTimers.length - 1;
        int to = runHead;
        for (int from = runHead; from != runTail; from = (from + 1) & mask) {
            TimerWatcher t = runTimers[from];
            if (t != null && from != to) {
                runTimers[to] = t;
                runDeadlines[to] = runDeadlines[from];
                runSequences[to] = runSequences[from];
                runTimers[from] = null;
                t.heapIndex = -2 - to;
            }
            if (t != null) {
                to = (to + 1) & mask;
            }
        }
        runTail = to;
    }

    /**
     * Doubles the run's ring; only when it is full. Timers keep their slots, except those
     * that had wrapped around to the start of the ring, which move to just past its old end.
     */
    private void growRun() {
        int old = runTimers.length;
        runTimers = Arrays.copyOf(runTimers, old * 2);
        runDeadlines = Arrays.copyOf(runDeadlines, old * 2);
        runSequences = Arrays.copyOf(runSequences, old * 2);
        if (runTail < runHead) {
            for (int i = 0; i < runTail; i++) {
                TimerWatcher t = runTimers[i];
                runTimers[i] = null;
                if (t != null) {
                    runTimers[old + i] = t;
                    runDeadlines[old + i] = runDeadlines[i];
                    runSequences[old + i] = runSequences[i];
                    t.heapIndex = -2 - (old + i);
                }
            }
            runTail += old;
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
