package io.gevent4j.hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Wakes the loop from any thread (libev's {@code ev_async}): {@link #send()} is
 * thread-safe, never blocks and never throws; the callback runs later on the hub's thread.
 * Sends that happen before the callback runs coalesce into one call. All other methods are
 * hub-thread only.
 */
public final class AsyncWatcher extends Watcher {

    private static final VarHandle SENT;

    static {
        try {
            SENT = MethodHandles.lookup().findVarHandle(AsyncWatcher.class, "sent", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through SENT
    private volatile int sent;
    private final Runnable delivery = this::deliver;

    AsyncWatcher(Loop loop) {
        super(loop);
    }

    /** Makes the watcher pending on its loop; callable from any thread. */
    public void send() {
        if (SENT.compareAndSet(this, 0, 1)) {
            loop.hub().handOver(delivery);
        }
    }

    /** Whether a send has not yet been delivered to the loop. */
    public boolean sendPending() {
        return sent != 0;
    }

    private void deliver() {
        sent = 0;
        feed();
    }
}
