package io.gevent4j.hub;

import java.util.Objects;

/**
 * An event source of a {@link Loop}, as in libev: started with a callback, the watcher
 * becomes <em>active</em>; when its event happens it becomes <em>pending</em> and the loop
 * invokes the callback on the hub's thread.
 *
 * <p>A {@linkplain #ref() referenced} active watcher keeps the loop alive: a main greenlet
 * that waits while nothing is ready, no referenced watcher is active and no greenlet is
 * parked in a JDK call gets {@code LoopExit}. Watchers are not thread-safe: every method
 * must be called on the hub's thread (a greenlet of the hub or a loop callback), except
 * {@link AsyncWatcher#send()}. A callback that throws is reported through
 * {@link Hub#handleError} and the loop goes on. Callbacks must not block.
 */
public abstract sealed class Watcher implements AutoCloseable
        permits AbstractIoWatcher, TimerWatcher, PhaseWatcher, AsyncWatcher, CallbackWatcher,
        SignalWatcher, ChildWatcher {

    final Loop loop;
    /** A {@link Runnable}, or the {@link LoopCallback} of a class of this package. */
    Object callback;
    boolean active;
    boolean pending;
    boolean closed;
    private boolean ref = true;

    Watcher(Loop loop) {
        this.loop = loop;
    }

    /** The loop this watcher belongs to. */
    public final Loop loop() {
        return loop;
    }

    /**
     * Makes the watcher active with {@code callback}; starting an active watcher replaces
     * its callback. A start that throws leaves the watcher inactive.
     *
     * @throws IllegalStateException if the watcher is closed, its channel is closed, or called
     *         off the hub's thread
     */
    public void start(Runnable callback) {
        begin(Objects.requireNonNull(callback, "callback"));
    }

    /** {@link #start(Runnable)} with a callback that only the loop can run. */
    final void start(LoopCallback callback) {
        begin(Objects.requireNonNull(callback, "callback"));
    }

    private void begin(Object callback) {
        loop.checkThread();
        if (closed) {
            throw new IllegalStateException("watcher is closed");
        }
        this.callback = callback;
        if (!active) {
            active = true;
            if (ref) {
                loop.activeRefs++;
            }
            try {
                onStart();
            } catch (RuntimeException | Error e) {
                active = false; // a watcher that could not start keeps no loop alive
                if (ref) {
                    loop.activeRefs--;
                }
                throw e;
            }
        }
    }

    /** Makes the watcher inactive and clears a pending event; stopping a stopped one does nothing. */
    public void stop() {
        loop.checkThread();
        pending = false;
        if (active) {
            active = false;
            if (ref) {
                loop.activeRefs--;
            }
            onStop();
        }
    }

    /** Stops the watcher and releases what it holds; it cannot be started again. */
    @Override
    public void close() {
        if (!closed) {
            stop();
            closed = true;
            onClose();
        }
    }

    /** Whether the watcher is started. */
    public final boolean isActive() {
        return active;
    }

    /** Whether its event happened and the callback has not yet run. */
    public final boolean isPending() {
        return pending;
    }

    /** Whether the watcher, while active, keeps the loop alive. */
    public final boolean isRef() {
        return ref;
    }

    /** Makes the watcher keep the loop alive while active (the default). */
    public final void ref() {
        setRef(true);
    }

    /** Makes the watcher not keep the loop alive (libev's {@code ev_unref}). */
    public final void unref() {
        setRef(false);
    }

    private void setRef(boolean value) {
        loop.checkThread();
        if (ref != value) {
            ref = value;
            if (active) {
                loop.activeRefs += value ? 1 : -1;
            }
        }
    }

    /** Marks the event as happened; the loop invokes the callback in its pending phase. */
    final void feed() {
        if (active && !pending) {
            pending = true;
            loop.pendingWatchers.add(this);
        }
    }

    /** Runs the callback for a pending event; called by the loop only. */
    void invoke() {
        call(callback);
    }

    /** Runs {@code callback}, a {@link Runnable} or a {@link LoopCallback}. */
    static void call(Object callback) {
        if (callback instanceof LoopCallback c) {
            c.fire();
        } else {
            ((Runnable) callback).run();
        }
    }

    void onStart() {
    }

    void onStop() {
    }

    void onClose() {
    }
}
