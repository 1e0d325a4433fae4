package io.gevent4j.pool;

import io.gevent4j.queue.Full;

/**
 * Thrown by {@link Pool#add(io.gevent4j.Greenlet, boolean, java.time.Duration)} when no
 * slot was (or became) free: a non-blocking add on a full pool, or a blocking one whose
 * timeout passed (gevent's {@code PoolFull}, a {@code queue.Full}).
 */
public class PoolFull extends Full {

    private static final long serialVersionUID = 1L;

    /** A {@code PoolFull} with the default message. */
    public PoolFull() {
        super();
    }
}
