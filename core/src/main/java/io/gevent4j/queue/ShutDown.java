package io.gevent4j.queue;

/**
 * Thrown by puts on a queue that was {@linkplain Queue#shutdown shut down}, and by gets once
 * it is empty (at once after an immediate shutdown), as Python 3.13's
 * {@code queue.ShutDown}. Greenlets blocked in put or get when the shutdown happens get it
 * too.
 */
public class ShutDown extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A {@code ShutDown} with no detail message. */
    public ShutDown() {
        super("queue is shut down");
    }
}
