package io.gevent4j.hub;

/**
 * Runs its callback once per loop iteration, just after the loop polled for I/O (libev's {@code ev_check}).
 * Hub-thread only.
 */
public final class CheckWatcher extends PhaseWatcher {

    CheckWatcher(Loop loop) {
        super(loop, loop.checkWatchers);
    }
}
