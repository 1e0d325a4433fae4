package io.gevent4j.queue;

/**
 * Thrown by a non-blocking put on a full queue, and by a blocking one whose timeout passed
 * (gevent's {@code queue.Full}). An {@link IllegalStateException}, as the JDK's
 * {@code Queue.add} throws on a full queue.
 */
public class Full extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** A {@code Full} with no detail message. */
    public Full() {
        super("queue is full");
    }
}
