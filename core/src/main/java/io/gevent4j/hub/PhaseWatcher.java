package io.gevent4j.hub;

import java.util.ArrayList;

/**
 * A watcher the loop feeds at one phase of every iteration, while it is active: the
 * prepare, check and idle watchers, each kept in its phase's list of the loop.
 * Hub-thread only.
 */
abstract sealed class PhaseWatcher extends Watcher permits PrepareWatcher, CheckWatcher, IdleWatcher {

    private final ArrayList<Watcher> phase;

    PhaseWatcher(Loop loop, ArrayList<Watcher> phase) {
        super(loop);
        this.phase = phase;
    }

    @Override
    final void onStart() {
        phase.add(this);
    }

    @Override
    final void onStop() {
        phase.remove(this);
    }
}
