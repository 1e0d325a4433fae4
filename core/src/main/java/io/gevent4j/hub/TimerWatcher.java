package io.gevent4j.hub;

/**
 * Fires once after a delay and then, if it has a repeat interval, every interval
 * (libev's {@code ev_timer}). Timers live in the loop's own heap, ordered by deadline and
 * then by start order, so timers due at the same time fire in the order they were started.
 * A delay of zero fires on the next loop iteration, never inside {@code start}.
 * Hub-thread only.
 */
public final class TimerWatcher extends Watcher {

    private final long afterNanos;
    private final long repeatNanos;
    long deadline;
    int heapIndex = -1;

    TimerWatcher(Loop loop, long afterNanos, long repeatNanos) {
        super(loop);
        if (afterNanos < 0 || repeatNanos < 0) {
            throw new IllegalArgumentException("timer delays must not be negative");
        }
        this.afterNanos = afterNanos;
        this.repeatNanos = repeatNanos;
    }

    /** The first delay, in nanoseconds. */
    public long afterNanos() {
        return afterNanos;
    }

    /** The repeat interval in nanoseconds, 0 for a one-shot timer. */
    public long repeatNanos() {
        return repeatNanos;
    }

    /** Restarts the countdown from now with the first delay ({@code ev_timer_again} for a one-shot). */
    public void again() {
        loop.checkThread();
        if (active) {
            loop.timers.remove(this);
            schedule(afterNanos);
        }
    }

    @Override
    void onStart() {
        schedule(afterNanos);
    }

    @Override
    void onStop() {
        loop.timers.remove(this);
    }

    private void schedule(long delay) {
        deadline = System.nanoTime() + delay;
        loop.timers.add(this);
    }

    /** Called by the loop when the deadline passed: re-arms a repeating timer, else deactivates. */
    void expire() {
        if (repeatNanos > 0) {
            deadline += repeatNanos;
            long now = System.nanoTime();
            if (deadline - now < 0) {
                deadline = now;
            }
            loop.timers.add(this);
        }
        feed();
    }

    @Override
    void invoke() {
        if (repeatNanos == 0) {
            stop();
        }
        super.invoke();
    }
}
