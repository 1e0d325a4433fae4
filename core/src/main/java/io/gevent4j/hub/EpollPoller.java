package io.gevent4j.hub;

import io.gevent4j.internal.linux.Epoll;
import io.gevent4j.internal.linux.Errno;
import io.gevent4j.internal.linux.Native;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.List;

/**
 * The Linux {@link Poller}: the loop sleeps in an epoll of its own (FFM downcalls), in which
 * the JDK {@link Selector} of the loop's channels is nested by its own epoll descriptor,
 * level-triggered, and in which {@link FdWatcher}s register raw file descriptors.
 *
 * <p><b>Nested selector.</b> When the epoll reports the selector's descriptor, a channel is
 * ready: the poller selects the selector without waiting, which dispatches the channels'
 * readiness as {@link SelectorPoller} does. The JDK applies a registration, interest change, cancellation or a registered channel's
 * close only at its selector's next select, so those mark the channels dirty
 * ({@link #channelsChanged()}) and the poller selects once before it next waits; an
 * iteration in which no channel changed and none became ready costs one {@code epoll_wait}.
 *
 * <p><b>Wake-up.</b> {@link #wakeup()} writes the epoll's own eventfd ({@link Epoll#wakeup()}),
 * not the selector's: a wake-up then costs the loop one {@code epoll_wait} return and one
 * {@code read}, where the selector's would add a select of the nested selector, and no
 * select of the selector (before a sleep, or {@link Loop#closeChannel} from another thread)
 * can consume a wake-up meant for the loop.
 *
 * <p><b>File descriptors.</b> The watchers of one descriptor share a slot of a table indexed
 * by descriptor. A descriptor is registered edge-triggered, for reading and writing
 * ({@code EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET}, as Go's netpoller does), as each watcher of
 * it is made: starting and stopping watchers then costs no system call. Closing the last
 * watcher of a descriptor empties its slot without one: its owner closes the descriptor
 * next, which takes it out of the epoll set; an event for an empty slot is ignored. A
 * watcher joining a slot that others hold registers the descriptor again
 * ({@code EPOLL_CTL_MOD}, or an add if the descriptor is not in the set): the slot cannot
 * tell whether its watchers still watch the descriptor open under that number, or one
 * closed meanwhile whose number was reused (a wait elsewhere, a select's, may still hold a
 * watcher of the closed one until it ends; that watcher then sees the new descriptor's
 * events, which a caller retrying its operation tolerates). The first watcher of an empty
 * slot adds the descriptor (its registration is modified if it stayed in the set,
 * {@code EEXIST}: a descriptor whose watchers were all closed while it stayed open). So
 * each watcher made costs one {@code epoll_ctl}, and no wait ever does.
 *
 * <p>Loop thread only, except {@link #wakeup()} and {@link #isOpen()}.
 */
final class EpollPoller extends Poller {

    /** Events reported by one {@code epoll_wait} at most. */
    private static final int MAX_EVENTS = 512;
    private static final int FD_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET;

    private final Epoll epoll;
    private final int selectorFd;
    /** Whether the JDK selector must be selected before the epoll is waited on: see the class comment. */
    private boolean channelsDirty;
    /** The first watcher of each watched descriptor, indexed by descriptor. */
    private FdWatcher[] byFd = new FdWatcher[64];
    private int watchedFds;

    private EpollPoller(Selector selector, Epoll epoll) throws IOException {
        super(selector);
        this.epoll = epoll;
        this.selectorFd = SelectorFd.of(selector);
        int errno = epoll.control(selectorFd, Epoll.EPOLLIN, false);
        if (errno != 0) {
            throw new IOException("cannot nest the JDK selector in the loop's epoll: " + Native.describe(errno));
        }
    }

    /**
     * An epoll poller over {@code selector}, which it closes if it fails.
     *
     * @throws IllegalStateException if not available (see {@link #unavailableReason})
     */
    static EpollPoller open(Selector selector) throws IOException {
        Epoll epoll = null;
        try {
            epoll = Epoll.open(MAX_EVENTS);
            return new EpollPoller(selector, epoll);
        } catch (IOException | RuntimeException | Error e) {
            selector.close();
            if (epoll != null) {
                epoll.close();
            }
            throw e;
        }
    }

    /**
     * Why a loop whose channels register with {@code selector} cannot poll through epoll on
     * this JVM (a missing flag, the platform, another selector), {@code null} if it can.
     */
    static String unavailableReason(Selector selector) {
        if (!Native.available()) {
            return Native.unavailableReason();
        }
        return SelectorFd.unavailableReason(selector);
    }

    @Override
    void wakeup() {
        epoll.wakeup();
    }

    @Override
    void pollNow() throws IOException {
        boolean selected = selectIfDirty() >= 0;
        dispatch(epoll.await(0), selected);
    }

    @Override
    void sleep(long timeoutNanos) throws IOException {
        if (selectIfDirty() > 0) {
            return; // the select found channels ready: no sleep
        }
        long millis = millis(timeoutNanos);
        dispatch(epoll.await(millis == 0 ? -1 : (int) Math.min(millis, Integer.MAX_VALUE)), false);
    }

    @Override
    void selectChannelsNow() throws IOException {
        channelsDirty = false;
        super.selectChannelsNow();
    }

    @Override
    void channelsChanged() {
        channelsDirty = true;
    }

    /** Selects the JDK selector if a channel changed; returns how many keys it updated, -1 if it did not select. */
    private int selectIfDirty() throws IOException {
        if (!channelsDirty) {
            return -1;
        }
        channelsDirty = false;
        return selector.selectNow(onSelected);
    }

    /** Dispatches the {@code count} events of the last wait; the selector's is skipped if it was just selected. */
    private void dispatch(int count, boolean selected) throws IOException {
        for (int i = 0; i < count; i++) {
            int fd = epoll.fd(i);
            if (fd == selectorFd) {
                if (!selected) {
                    selectChannelsNow();
                }
            } else if (fd == epoll.wakeupFd()) {
                epoll.clearWakeup();
            } else if (fd < byFd.length && byFd[fd] != null) {
                byFd[fd].dispatch(epoll.events(i));
            }
        }
    }

    @Override
    boolean watchesNothing() {
        return watchedFds == 0 && super.watchesNothing();
    }

    /**
     * Adds {@code watcher} to the watchers of its descriptor, registering the descriptor (see
     * the class comment).
     *
     * @throws IllegalArgumentException if the descriptor is not open, is the loop's own, or
     *         cannot be watched by epoll (a regular file)
     */
    void add(FdWatcher watcher) {
        int fd = watcher.fd();
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        if (fd == selectorFd || fd == epoll.fd() || fd == epoll.wakeupFd()) {
            throw new IllegalArgumentException("file descriptor " + fd + " is the loop's own");
        }
        FdWatcher first = byFd[fd];
        int errno = epoll.control(fd, FD_EVENTS, first != null);
        if (errno != 0) {
            String why = errno == Errno.EBADF ? "is not open" : "cannot be watched: " + Native.describe(errno);
            throw new IllegalArgumentException("file descriptor " + fd + " " + why);
        }
        if (first != null) {
            watcher.next = first.next;
            first.next = watcher;
            return;
        }
        byFd[fd] = watcher;
        watchedFds++;
    }

    /** Takes a closed {@code watcher} out of the watchers of its descriptor; the last one empties the slot. */
    void remove(FdWatcher watcher) {
        int fd = watcher.fd();
        FdWatcher first = byFd[fd];
        if (first == watcher) {
            byFd[fd] = watcher.next;
            if (watcher.next == null) {
                watchedFds--;
            }
        } else {
            FdWatcher before = first;
            while (before.next != watcher) {
                before = before.next;
            }
            before.next = watcher.next;
        }
        watcher.next = null;
    }

    @Override
    void collectActive(List<Watcher> into) {
        super.collectActive(into);
        for (FdWatcher first : byFd) {
            if (first != null) {
                first.collectActive(into);
            }
        }
    }

    @Override
    void close() throws IOException {
        try {
            selector.close();
        } finally {
            epoll.close();
        }
    }
}
