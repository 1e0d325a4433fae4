package io.gevent4j.hub;

/**
 * A callback queued to run once on the hub's thread, in order with the greenlets that are
 * ready to run (gevent's {@code loop.run_callback}). {@link #stop()} before it ran cancels it.
 * Created by {@link Loop#runCallback}; hub-thread only, except that
 * {@link Loop#runCallbackThreadsafe} may queue one from any thread. Only the loop runs it:
 * the watcher is its own entry in the loop's ready queue, which invokes it.
 */
public final class CallbackWatcher extends Watcher {

    CallbackWatcher(Loop loop) {
        super(loop);
    }

    @Override
    void onStart() {
        pending = true;
    }

    /** Runs the callback if it was not stopped; called by the loop when it reaches the watcher. */
    @Override
    void invoke() {
        if (active && pending) {
            Object cb = callback;
            stop();
            call(cb);
        }
    }
}
