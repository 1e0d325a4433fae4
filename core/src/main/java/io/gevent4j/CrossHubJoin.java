package io.gevent4j;

import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Waiter;

import java.time.Duration;

/**
 * {@link Greenlet#join(Duration)} called from a thread of another hub (or a platform thread,
 * which becomes its hub's main greenlet): blocks the caller cooperatively on its own hub
 * until the greenlet is dead or the timeout passes. A kill or {@code Timeout} raised in the
 * caller meanwhile is thrown here.
 *
 * <p><b>Implementation overview.</b> The caller's hub keeps a referenced
 * {@link AsyncWatcher} active for the wait (the wake-up comes from another thread, so the
 * caller's hub must neither sleep through it nor raise {@code LoopExit}); the greenlet's hub
 * is handed a raw link, through {@link Hub#runThreadsafe}, that sends that watcher when the
 * greenlet dies (at once if it already has). A wait that ends otherwise (timeout, exception)
 * hands the greenlet's hub the link's removal. {@code phase} is volatile and written after
 * the outcome, so the caller sees the outcome once it sees the end.
 */
final class CrossHubJoin {

    private CrossHubJoin() {
    }

    /** @return whether {@code greenlet} is dead */
    static boolean join(Greenlet<?> greenlet, Duration timeout) {
        Hub target = greenlet.hub();
        Hub hub = Hub.current();
        Waiter<Void> waiter = new Waiter<>(hub);
        AsyncWatcher dead = hub.loop().async();
        Runnable link = dead::send;
        try {
            dead.start(waiter);
            target.runThreadsafe(() -> greenlet.rawLink(link));
            if (!greenlet.ready()) {
                waiter.getWithin(timeout, null);
            }
        } finally {
            dead.close();
            if (!greenlet.ready()) {
                target.runThreadsafe(() -> greenlet.unlinkRaw(link));
            }
        }
        return greenlet.ready();
    }
}
