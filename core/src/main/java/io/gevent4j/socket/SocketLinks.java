package io.gevent4j.socket;

import io.gevent4j.hub.Watcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The callbacks of a socket's {@link AbstractSocket#rawLink} and the watcher that runs them
 * when the socket becomes readable: made on a socket's first {@code rawLink}, so a connection
 * nobody waits on with {@code Gevent.wait} holds none of it. Hub-thread only.
 *
 * <p>A socket of gevent4j's own is watched edge-triggered: an edge seen earlier (and
 * consumed by a read) never comes again, so a link first asks the kernel whether the socket
 * is readable now ({@link AbstractSocket#readableNow()}), and its watcher is closed when the
 * links are run or removed, rather than kept stopped, lest it remember readiness that a
 * read consumes meanwhile and fire for it later.
 */
final class SocketLinks {

    private final AbstractSocket socket;
    private final List<Runnable> callbacks = new ArrayList<>(1);
    private Watcher watcher;

    SocketLinks(AbstractSocket socket) {
        this.socket = socket;
    }

    /** Adds {@code callback}, run once when the socket is readable, ready or closed. */
    void add(Runnable callback) throws IOException {
        callbacks.add(Objects.requireNonNull(callback, "callback"));
        if (socket.ready() || socket.readableNow()) {
            if (callbacks.size() == 1) {
                socket.hub().loop().runCallback(this::fire);
            }
            return;
        }
        if (watcher == null) {
            watcher = socket.readableWatcher();
        }
        if (!watcher.isActive()) {
            watcher.start(this::fire);
        }
    }

    /** Removes {@code callback}; returns whether it was there. */
    boolean remove(Runnable callback) {
        boolean removed = callbacks.remove(callback);
        if (removed && callbacks.isEmpty()) {
            release();
        }
        return removed;
    }

    /** The socket turned {@link AbstractSocket#ready()} without becoming readable: runs the links from a loop callback. */
    void fireSoon() {
        if (!callbacks.isEmpty()) {
            socket.hub().loop().runCallback(this::fire);
        }
    }

    /** Releases the watcher: the socket is closing. */
    void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    private void fire() {
        release();
        List<Runnable> now = List.copyOf(callbacks);
        callbacks.clear();
        for (Runnable r : now) {
            try {
                r.run();
            } catch (Throwable t) {
                socket.hub().handleError(r, t);
            }
        }
    }

    /** Stops the watcher of a JDK channel (kept registered for the next link); closes one of a file descriptor. */
    private void release() {
        if (watcher == null) {
            return;
        }
        if (socket.isNative()) {
            close();
        } else {
            watcher.stop();
        }
    }
}
