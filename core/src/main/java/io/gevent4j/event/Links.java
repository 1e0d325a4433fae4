package io.gevent4j.event;

import io.gevent4j.hub.CallbackWatcher;
import io.gevent4j.hub.Hub;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.BooleanSupplier;

/**
 * The FIFO of one-shot callbacks of an {@link Event} or {@link AsyncResult} (gevent's
 * {@code AbstractLinkable}): callbacks run from one loop callback, in the order they were
 * added, each once. Hub-thread only.
 *
 * <p><b>Implementation overview.</b> {@link #scheduleNotify()} queues at most one notifier
 * callback. The notifier runs exactly the links present when it starts (links added by
 * those callbacks wait for the next notification, as in gevent), then schedules itself
 * again if the owner is still ready and links remain.
 */
final class Links {

    private final Hub hub;
    private final BooleanSupplier ready;
    private final ArrayDeque<Runnable> links = new ArrayDeque<>();
    private CallbackWatcher notifier;

    Links(Hub hub, BooleanSupplier ready) {
        this.hub = hub;
        this.ready = ready;
    }

    void add(Runnable link) {
        links.addLast(link);
        if (ready.getAsBoolean()) {
            scheduleNotify();
        }
    }

    boolean remove(Runnable link) {
        for (Iterator<Runnable> it = links.iterator(); it.hasNext(); ) {
            if (it.next() == link) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** Whether a notification is queued and has not started: a newcomer waits its turn behind it. */
    boolean notifying() {
        return notifier != null && notifier.isActive();
    }

    int size() {
        return links.size();
    }

    void scheduleNotify() {
        if (!links.isEmpty() && (notifier == null || !notifier.isActive())) {
            notifier = hub.loop().runCallback(this::notifyLinks);
        }
    }

    private void notifyLinks() {
        notifier = null;
        for (int n = links.size(); n > 0; n--) {
            Runnable link = links.pollFirst();
            if (link == null) {
                break;
            }
            try {
                link.run();
            } catch (Throwable t) {
                hub.handleError(link, t);
            }
        }
        if (ready.getAsBoolean()) {
            scheduleNotify();
        }
    }
}
