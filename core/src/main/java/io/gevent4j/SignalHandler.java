package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.SignalWatcher;

import java.util.Objects;

/**
 * A handler of an operating-system signal (gevent's {@code gevent.signal_handler}): each time
 * the process receives the signal, the handler runs in a new greenlet of the hub that
 * installed it, so it may block like any greenlet (stop a server gracefully, print run info).
 * Signals that arrive before that greenlet is spawned coalesce into one run. An exception
 * thrown by the handler ends its greenlet and is reported as any greenlet's is.
 *
 * <p>As in gevent, the handler does not keep its hub's loop alive: a main greenlet that waits
 * for nothing but a signal gets {@link io.gevent4j.hub.LoopExit}; wait on something the handler will set,
 * with the handler installed, while something else keeps the hub busy (a server, a timer).
 * Which signals the JVM keeps for itself, and what handling {@code SIGTERM} replaces, is
 * described in {@link SignalWatcher}. Created by {@link Gevent#signalHandler}; hub-thread only.
 */
public final class SignalHandler {

    private final SignalWatcher watcher;
    private final Runnable handler;

    SignalHandler(Hub hub, String signal, Runnable handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.watcher = hub.loop().signal(Objects.requireNonNull(signal, "signal"));
        watcher.unref();
        watcher.start(this::spawnHandler);
    }

    /** The signal handled, without {@code SIG}, such as {@code TERM}. */
    public String signal() {
        return watcher.signal();
    }

    /** Whether the handler is installed (not cancelled). */
    public boolean isActive() {
        return watcher.isActive();
    }

    /**
     * Uninstalls the handler: signals that arrive from now on do not run it, and when no
     * other handler of the signal remains the JVM's previous handling is restored. A handler
     * greenlet already spawned runs on. Idempotent.
     *
     * @throws IllegalStateException off the hub's thread
     */
    public void cancel() {
        watcher.close();
    }

    private void spawnHandler() {
        new Greenlet<Void>(handler).start();
    }

    @Override
    public String toString() {
        return "SignalHandler[SIG" + watcher.signal() + (watcher.isActive() ? "" : ", cancelled") + "]";
    }
}
