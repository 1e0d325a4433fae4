package io.gevent4j.hub;

/**
 * Runs its callback once per loop iteration, just before the loop polls for I/O (libev's {@code ev_prepare}).
 * Hub-thread only.
 */
public final class PrepareWatcher extends PhaseWatcher {

    PrepareWatcher(Loop loop) {
        super(loop, loop.prepareWatchers);
    }
}
