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
 */
public final class IoWatcher extends Watcher {

    private final SelectableChannel channel;
    private final int ops;
    private int readyOps;
    private Registration registration;

    IoWatcher(Loop loop, SelectableChannel channel, int ops) {
        super(loop);
        if (ops == 0 || (ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("operations " + ops + " are not valid for " + channel);
        }
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be in non-blocking mode: " + channel);
        }
        this.channel = channel;
        this.ops = ops;
    }

    /** The watched channel. */
    public SelectableChannel channel() {
        return channel;
    }

    /** The watched {@link SelectionKey} operations. */
    public int ops() {
        return ops;
    }

    /** The watched operations found ready when the watcher last fired (0 if it did not since {@link IoWait} cleared them). */
    public int readyOps() {
        return readyOps;
    }

    /** {@link IoWait}, as a wait begins: {@link #readyOps()} tells what fired during that wait only. */
    void clearReadyOps() {
        readyOps = 0;
    }

    @Override
    void onStart() {
        if (registration == null) {
            registration = register();
        }
        registration.add(this);
    }

    @Override
    void onStop() {
        registration.remove(this);
    }

    @Override
    void onClose() {
        if (registration != null) {
            registration.release(this);
            registration = null;
        }
    }

    void ready(int ready) {
        int mine = ready & ops;
        if (mine != 0) {
            readyOps = mine;
            feed();
        }
    }

    private Registration register() {
        SelectionKey key = channel.keyFor(loop.selector);
        if (key != null && !key.isValid()) {
            loop.flushCancelledKeys();
            key = null;
        }
        if (key == null) {
            try {
                Registration r = new Registration();
                r.key = channel.register(loop.selector, 0, r);
                return r;
            } catch (ClosedChannelException e) {
                throw new IllegalStateException("channel is closed: " + channel, e);
            } catch (CancelledKeyException e) {
                throw new IllegalStateException("channel registration was cancelled: " + channel, e);
            }
        }
        Registration r = (Registration) key.attachment();
        r.users++;
        return r;
    }

    /**
     * One channel's key in the loop's selector and the active watchers that share it. The
     * first watcher is kept in a field, the others (a writer beside a reader) in an array made
     * when needed: an idle connection's registration holds no array. The key is cancelled
     * when the last watcher that uses it is closed.
     */
    static final class Registration {
        SelectionKey key;
        private IoWatcher first;
        private IoWatcher[] others;
        private int count;
        private int users = 1;

        void add(IoWatcher w) {
            if (count == 0) {
                first = w;
            } else {
                if (others == null) {
                    others = new IoWatcher[2];
                } else if (count - 1 == others.length) {
                    others = java.util.Arrays.copyOf(others, others.length * 2);
                }
                others[count - 1] = w;
            }
            count++;
            updateInterest();
        }

        void remove(IoWatcher w) {
            for (int i = 0; i < count; i++) {
                if (watcher(i) == w) {
                    for (int j = i; j < count - 1; j++) {
                        set(j, watcher(j + 1));
                    }
                    set(--count, null);
                    break;
                }
            }
            updateInterest();
        }

        void release(IoWatcher w) {
            if (--users == 0) {
                key.cancel();
            }
        }

        /** Run info: adds the watchers that share this registration and are active. */
        void collectActive(List<Watcher> into) {
            for (int i = 0; i < count; i++) {
                into.add(watcher(i));
            }
        }

        void dispatch(int ready) {
            for (int i = 0; i < count; i++) {
                watcher(i).ready(ready);
            }
        }

        private IoWatcher watcher(int index) {
            return index == 0 ? first : others[index - 1];
        }

        private void set(int index, IoWatcher w) {
            if (index == 0) {
                first = w;
            } else {
                others[index - 1] = w;
            }
        }

        private void updateInterest() {
            int interest = 0;
            for (int i = 0; i < count; i++) {
                interest |= watcher(i).ops;
            }
            if (key.isValid()) {
                try {
                    if (key.interestOps() != interest) {
                        key.interestOps(interest);
                    }
                } catch (CancelledKeyException e) {
                    // the channel was closed under the watcher: nothing left to watch
                }
            }
        }
    }
}
