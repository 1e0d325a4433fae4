package io.gevent4j;

import io.gevent4j.hub.Linkable;

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

    /** {@code linkable} as a {@code Waitable}: for a synchronizer that offers a side of its state to {@code Gevent.wait}. */
    static Waitable of(Linkable linkable) {
        record Of(Linkable linkable) implements Linked {
        }
        return new Of(linkable);
    }

    /**
     * A {@code Waitable} that shows the readiness and the links of a {@link Linkable} it
     * holds: an implementation names that linkable and inherits the three methods (it may
     * still answer {@link #ready()} its own way, e.g. from any thread).
     */
    interface Linked extends Waitable {

        /** The linkable whose readiness and links this object shows. */
        Linkable linkable();

        @Override
        default boolean ready() {
            return linkable().ready();
        }

        @Override
        default void rawLink(Runnable callback) {
            linkable().rawLink(callback);
        }

        @Override
        default boolean unlinkRaw(Runnable callback) {
            return linkable().unlinkRaw(callback);
        }
    }
}
