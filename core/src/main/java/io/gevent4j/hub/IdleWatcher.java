package io.gevent4j.hub;

/**
 * Runs its callback in iterations where nothing else is ready or pending; while one is active the loop
 * polls without sleeping (libev's {@code ev_idle}). {@code Gevent.idle()} waits on one.
 * Hub-thread only.
 */
public final class IdleWatcher extends PhaseWatcher {

    IdleWatcher(Loop loop) {
        super(loop, loop.idleWatchers);
    }
}
