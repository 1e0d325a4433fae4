package io.gevent4j.hub;

import io.gevent4j.internal.linux.Epoll;

import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * Fires when a raw file descriptor (a socket of gevent4j's own, a pipe) is ready for some of
 * its operations, given as {@link SelectionKey} bits: {@code OP_READ} or {@code OP_ACCEPT}
 * fire when it is readable, at end of stream or on an error; {@code OP_WRITE} or
 * {@code OP_CONNECT} when it is writable, hung up or on an error. Made by
 * {@link Loop#fdWatcher}, on a loop that {@linkplain Loop#watchesFds() watches descriptors}.
 *
 * <p><b>Edge-triggered.</b> The watcher fires once per change of readiness reported by the
 * kernel, not once per iteration while the descriptor stays ready: its owner must read (or
 * write, or accept) until the call would block ({@code EAGAIN}) before it waits again.
 * Readiness reported while the watcher is not active is remembered (as is readiness that
 * fired while a stop cleared the pending callback) and consumed by the next firing:
 * {@link #start} then fires at once, in the current iteration, and an {@link IoWait} over it
 * returns at once without parking. So no edge is lost between an {@code EAGAIN} and the
 * wait that follows it.
 *
 * <p><b>Costs.</b> Making a watcher registers its descriptor with the loop's epoll, for
 * reading and writing (one {@code epoll_ctl}); starting and stopping a watcher costs no system
 * call, nor does closing one. Several watchers may watch one descriptor (a reader and a
 * writer). The descriptor's owner should close its watchers before it closes the
 * descriptor: a watcher left open (another greenlet's select, say) sees the events of
 * whatever the descriptor's number is reused for until it is closed, as spurious readiness.
 * Closing the last watcher of a descriptor that stays open leaves it in the loop's epoll,
 * whose events for it are then ignored: a descriptor handed to another hub should get its
 * watchers there only, or each of its events would also wake this loop for nothing.
 * Hub-thread only.
 */
public final class FdWatcher extends AbstractIoWatcher {

    private static final int READING = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITING = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;
    private static final int READABLE = Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR;
    private static final int WRITABLE = Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR;
    /**
     * What makes reading readiness sticky: the peer's FIN, our own {@code SHUT_RD} and a reset
     * all report it; {@code EPOLLHUP} alone does not count, as a TCP socket not connected yet
     * reports it too.
     */
    private static final int HUNG_UP = Epoll.EPOLLRDHUP;

    private final EpollPoller poller;
    private final int fd;
    /** The watched operations reported ready and not yet consumed by a firing (the remembered edge). */
    private byte edgeOps;
    /**
     * The descriptor's reading half ended ({@code EPOLLRDHUP}: end of stream, or a reset):
     * it stays readable for good, and no new edge will say so,
     * so its reading readiness is remembered again after each firing consumes it. A reader
     * that stopped short of {@code EAGAIN} (a read that got fewer bytes than it asked for
     * takes the queue to be empty) then still learns of the end of stream.
     */
    private boolean hungUp;
    /** The next watcher of the same descriptor, or {@code null}: {@link EpollPoller}'s slot list. */
    FdWatcher next;

    FdWatcher(Loop loop, EpollPoller poller, int fd, int ops) {
        super(loop, ops);
        if (fd < 0) {
            throw new IllegalArgumentException("negative file descriptor: " + fd);
        }
        if (ops == 0 || (ops & ~(READING | WRITING)) != 0) {
            throw new IllegalArgumentException("operations " + ops + " are not SelectionKey operations");
        }
        this.poller = poller;
        this.fd = fd;
        poller.add(this);
    }

    /** The watched file descriptor. */
    public int fd() {
        return fd;
    }

    /**
     * {@link IoWait}, before it parks: consumes the remembered readiness into
     * {@link #readyOps()}; returns whether there was any.
     */
    boolean takeReadiness() {
        if (edgeOps == 0) {
            return false;
        }
        readyOps = edgeOps;
        edgeOps = stickyOps();
        return true;
    }

    /** What stays remembered after a firing: the reading operations once {@link #hungUp}. */
    private byte stickyOps() {
        return hungUp ? (byte) (ops & READING) : 0;
    }

    @Override
    void onStart() {
        if (edgeOps != 0) {
            feed();
        }
    }

    @Override
    void onClose() {
        edgeOps = 0;
        poller.remove(this);
    }

    @Override
    void invoke() {
        if (edgeOps != 0) {
            readyOps = edgeOps;
            edgeOps = stickyOps();
        }
        super.invoke();
    }

    /** The poller: the epoll reported {@code events} for the descriptor of this watcher, the first of its list. */
    void dispatch(int events) {
        int ready = ((events & READABLE) != 0 ? READING : 0) | ((events & WRITABLE) != 0 ? WRITING : 0);
        for (FdWatcher w = this; w != null; w = w.next) {
            int mine = ready & w.ops;
            if (mine != 0) {
                w.hungUp |= (events & HUNG_UP) != 0;
                w.edgeOps |= (byte) mine;
                w.feed();
            }
        }
    }

    /** Run info: adds the active watchers of the list this watcher begins. */
    void collectActive(List<Watcher> into) {
        for (FdWatcher w = this; w != null; w = w.next) {
            if (w.active) {
                into.add(w);
            }
        }
    }
}
