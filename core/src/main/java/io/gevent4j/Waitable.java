package io.gevent4j;

/**
 * Something a greenlet can wait for together with others ({@code Gevent.wait},
 * {@code Gevent.iwait}), as gevent's {@code rawlink} protocol: greenlets, events, async
 * results, queues' readiness and sockets implement it.
 *
 * <p>Hub-thread only. A callback registered with {@link #rawLink} runs once on the hub's
 * thread, from a loop callback, after the object became ready (soon after registration if
 * it already is); it must not block.
 */
public interface Waitable {

    /** Whether waiting on it now would return at once. */
    boolean ready();

    /** Registers {@code callback} to run once when the object is ready. */
    void rawLink(Runnable callback);

    /** Removes a callback registered with {@link #rawLink}; returns whether it was there. */
    boolean unlinkRaw(Runnable callback);
}
