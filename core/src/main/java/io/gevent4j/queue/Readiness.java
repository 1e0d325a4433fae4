package io.gevent4j.queue;

import io.gevent4j.Waitable;
import io.gevent4j.hub.CallbackWatcher;
import io.gevent4j.hub.Hub;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One side of a queue's readiness as a {@link Waitable} (see {@link SimpleQueue#readable()}
 * and {@link SimpleQueue#writable()}), so {@code Gevent.wait}/{@code iwait} can wait for a
 * queue beside greenlets and events. Hub-thread only.
 *
 * <p><b>Implementation overview.</b> Raw links wait in a FIFO; whenever the queue changes
 * state it calls {@link #changed()}, which, if the condition holds and links are waiting,
 * queues one notifier callback. The notifier runs the links present when it starts, and
 * only while the condition still holds, so a link never fires for a state that has passed.
 */
final class Readiness implements Waitable {

    private final Hub hub;
    private final Object owner;
    private final BooleanSupplier condition;
    private final ArrayDeque<Runnable> links = new ArrayDeque<>();
    private CallbackWatcher notifier;

    Readiness(Hub hub, Object owner, BooleanSupplier condition) {
        this.hub = hub;
        this.owner = owner;
        this.condition = condition;
    }

    @Override
    public boolean ready() {
        hub.checkCurrent(owner);
        return condition.getAsBoolean();
    }

    @Override
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        hub.checkCurrent(owner);
        links.addLast(callback);
        changed();
    }

    @Override
    public boolean unlinkRaw(Runnable callback) {
        hub.checkCurrent(owner);
        for (Iterator<Runnable> it = links.iterator(); it.hasNext(); ) {
            if (it.next() == callback) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    void changed() {
        if (!links.isEmpty() && (notifier == null || !notifier.isActive()) && condition.getAsBoolean()) {
            notifier = hub.loop().runCallback(this::notifyLinks);
        }
    }

    private void notifyLinks() {
        notifier = null;
        for (int n = links.size(); n > 0 && condition.getAsBoolean(); n--) {
            Runnable link = links.pollFirst();
            try {
                link.run();
            } catch (Throwable t) {
                hub.handleError(link, t);
            }
        }
        changed();
    }

    @Override
    public String toString() {
        return "Readiness[" + owner + ", links=" + links.size() + "]";
    }
}
