package io.gevent4j.queue;

import java.util.NoSuchElementException;

/**
 * Thrown by a non-blocking get or peek on an empty queue, and by a blocking one whose
 * timeout passed (gevent's {@code queue.Empty}). A {@link NoSuchElementException}, as the
 * JDK's {@code Queue.remove()} and {@code element()} throw.
 */
public class Empty extends NoSuchElementException {

    private static final long serialVersionUID = 1L;

    /** An {@code Empty} with no detail message. */
    public Empty() {
        super();
    }
}
