package io.gevent4j.hub;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a {@link Loop} waits for I/O: the poll, the blocking sleep and its wake-up from another
 * thread. Every poller keeps the JDK {@link Selector} in which {@link IoWatcher}s register
 * their channels; {@link SelectorPoller} sleeps in it, {@link EpollPoller} sleeps in an epoll
 * of its own in which that selector is nested, and also watches raw file descriptors
 * ({@link FdWatcher}).
 *
 * <p>Threads: {@link #wakeup()} and {@link #isOpen()} may be called from any thread, the rest
 * from the loop's thread only. Readiness found by a poll is dispatched at once to the watchers
 * (which become pending); nothing here runs a callback.
 */
abstract sealed class Poller permits SelectorPoller, EpollPoller {

    final Selector selector;
    final Consumer<SelectionKey> onSelected = Poller::dispatch;

    Poller(Selector selector) {
        this.selector = selector;
    }

    /** Dispatches what is ready now, without waiting; releases the channels closed since the last poll. */
    abstract void pollNow() throws IOException;

    /**
     * Waits until something is ready (dispatching it), {@link #wakeup()} is called, or
     * {@code timeoutNanos} passes (0: no limit).
     */
    abstract void sleep(long timeoutNanos) throws IOException;

    /** Ends the current {@link #sleep}, or the next one if none runs. Any thread. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Selects the JDK selector without waiting, dispatching what is ready: applies the
     * registrations, interest changes and cancellations made since, and releases the
     * descriptors of the channels closed since.
     */
    void selectChannelsNow() throws IOException {
        selector.selectNow(onSelected);
    }

    /** Whether nothing could become ready: no channel registered and no descriptor watched. */
    boolean watchesNothing() {
        return selector.keys().isEmpty();
    }

    /**
     * A channel's registration, interest set or key changed, or a registered channel was
     * closed: the JDK applies that at its selector's next select, which must come before the
     * loop sleeps.
     */
    void channelsChanged() {
    }

    /** Run info: adds the active watchers, of channels and of descriptors. */
    void collectActive(List<Watcher> into) {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof IoWatcher first) {
                first.collectActive(into);
            }
        }
    }

    /** Whether the poller is open. Any thread. */
    boolean isOpen() {
        return selector.isOpen();
    }

    /** Closes the selector and what else the poller holds. */
    void close() throws IOException {
        selector.close();
    }

    /** The loop's timeout for a sleep of {@code timeoutNanos}, in whole milliseconds rounded up (0: no limit). */
    static long millis(long timeoutNanos) {
        return timeoutNanos == 0 ? 0 : Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
    }

    private static void dispatch(SelectionKey key) {
        ((IoWatcher) key.attachment()).dispatch(key.readyOps());
    }
}
