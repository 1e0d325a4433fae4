package io.gevent4j.hub;

/**
 * Thrown to a hub's main greenlet (its platform thread) when it waits for something that
 * can never happen: nothing is ready to run, no referenced watcher is active, and every
 * greenlet of the hub waits on a gevent4j object that nothing will signal. It replaces
 * a hang with an error that says so.
 */
public class LoopExit extends RuntimeException {

    /** A loop exit with a message describing the wait. */
    public LoopExit(String message) {
        super(message);
    }
}
