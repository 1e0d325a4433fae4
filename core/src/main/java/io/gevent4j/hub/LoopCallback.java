package io.gevent4j.hub;

/**
 * A watcher callback that only the loop can run: what a public class of this package that is
 * the callback of its own watchers ({@link IoWait}, one object per connection instead of a
 * lambda) extends in place of {@link Runnable}, so that no caller can run it. Hub-thread only.
 */
abstract class LoopCallback {

    /** Runs the callback; called by the loop, on the hub's thread, for a watcher started with it. */
    abstract void fire();
}
