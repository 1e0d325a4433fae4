package io.gevent4j.hub;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * Fires when a non-blocking {@link SelectableChannel} is ready for some of its
 * {@link SelectionKey} operations (libev's {@code ev_io}). Several watchers may watch one
 * channel (a reader and a writer); they share the channel's registration in the loop's
 * {@link java.nio.channels.Selector}, whose interest set is the union of the active
 * watchers' operations. Readiness is level-triggered: an active watcher fires every
 * iteration while its channel stays ready. Hub-thread only.
 *
 * <p><b>Implementation overview.</b> A watcher registers its channel on its first start
 * and keeps the key until it is closed. The watchers that share a key form a list: the
 * key's attachment is the first, each links to the {@link #next} (an idle connection's key
 * so holds its one watcher and nothing else); the loop hands the key's ready operations to
 * the first, which passes them along the list ({@link #dispatch}). The interest set is
 * recomputed from the list whenever one of its watchers starts or stops; the key is
 * cancelled when the last watcher on it is closed. The operations are kept in bytes (the
 * four of {@code SelectionKey} fit), which keeps a watcher at 40 bytes.
 */
public final class IoWatcher extends AbstractIoWatcher {

    private final SelectableChannel channel;
    /** The channel's key in the loop's selector, from the first start until {@link #close()}. */
    private SelectionKey key;
    /** The next watcher on the same key, or {@code null}. */
    private IoWatcher next;

    IoWatcher(Loop loop, SelectableChannel channel, int ops) {
        super(loop, ops);
        if (ops == 0 || (ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("operations " + ops + " are not valid for " + channel);
        }
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be in non-blocking mode: " + channel);
        }
        this.channel = channel;
    }

    /** The watched channel. */
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    void onStart() {
        if (key == null) {
            register();
        }
        updateInterest();
    }

    @Override
    void onStop() {
        updateInterest();
    }

    @Override
    void onClose() {
        if (key == null) {
            return;
        }
        IoWatcher first = (IoWatcher) key.attachment();
        if (first == this) {
            if (next == null) {
                key.cancel();
                loop.poller.channelsChanged();
            } else {
                key.attach(next);
            }
        } else {
            IoWatcher before = first;
            while (before.next != this) {
                before = before.next;
            }
            before.next = next;
        }
        key = null;
        next = null;
    }

    /** The loop: the key of this watcher, the first of its list, was found ready for {@code ready}. */
    void dispatch(int ready) {
        for (IoWatcher w = this; w != null; w = w.next) {
            int mine = ready & w.ops;
            if (mine != 0 && w.active) {
                w.readyOps = (byte) mine;
                w.feed();
            }
        }
    }

    /** Run info: adds the active watchers of the list this watcher begins. */
    void collectActive(List<Watcher> into) {
        for (IoWatcher w = this; w != null; w = w.next) {
            if (w.active) {
                into.add(w);
            }
        }
    }

    /** Registers the channel, or joins the list of the watchers already on its key. */
    private void register() {
        SelectionKey existing = channel.keyFor(loop.selector);
        if (existing != null && !existing.isValid()) {
            loop.flushCancelledKeys();
            existing = null;
        }
        if (existing != null) {
            IoWatcher first = (IoWatcher) existing.attachment();
            next = first.next;
            first.next = this;
            key = existing;
            return;
        }
        try {
            key = channel.register(loop.selector, 0, this);
            loop.poller.channelsChanged();
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("channel is closed: " + channel, e);
        } catch (CancelledKeyException e) {
            throw new IllegalStateException("channel registration was cancelled: " + channel, e);
        }
    }

    private void updateInterest() {
        if (!key.isValid()) {
            return;
        }
        int interest = 0;
        for (IoWatcher w = (IoWatcher) key.attachment(); w != null; w = w.next) {
            if (w.active) {
                interest |= w.ops;
            }
        }
        try {
            if (key.interestOps() != interest) {
                key.interestOps(interest);
                loop.poller.channelsChanged();
            }
        } catch (CancelledKeyException e) {
            // the channel was closed under the watcher: nothing left to watch
        }
    }
}
