package io.gevent4j.hub;

/**
 * A watcher of I/O readiness (libev's {@code ev_io}): of a JDK channel ({@link IoWatcher}) or
 * of a raw file descriptor ({@link FdWatcher}), for {@link java.nio.channels.SelectionKey}
 * operations. What an {@link IoWait} over several sources of either kind waits on.
 * Hub-thread only, as every watcher.
 */
public abstract sealed class AbstractIoWatcher extends Watcher permits IoWatcher, FdWatcher {

    /** The watched operations, {@link java.nio.channels.SelectionKey} bits (all four fit in a byte). */
    final byte ops;
    /** The watched operations found ready when the watcher last fired. */
    byte readyOps;

    AbstractIoWatcher(Loop loop, int ops) {
        super(loop);
        this.ops = (byte) ops;
    }

    /** The watched {@link java.nio.channels.SelectionKey} operations. */
    public final int ops() {
        return ops;
    }

    /** The watched operations found ready when the watcher last fired (0 if it did not since {@link IoWait} cleared them). */
    public final int readyOps() {
        return readyOps;
    }

    /** {@link IoWait}, as a wait begins: {@link #readyOps()} tells what fired during that wait only. */
    final void clearReadyOps() {
        readyOps = 0;
    }
}
