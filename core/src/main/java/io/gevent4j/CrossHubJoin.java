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
 * caller's hub must neither sleep through it nor raise {@code LoopExit}); the greenlet's end
 * is given a completion callback ({@link AbstractResult#whenCompleted}) that sends that
 * watcher on the thread that ends the greenlet (at once if it already has). The greenlet's
 * hub plays no part, so the wait ends even when that hub closes: its close kills the
 * greenlet, or, for a greenlet whose start it dropped, its {@code ifClosed} does. A wait that
 * ends otherwise (timeout, exception) withdraws the callback. The greenlet's {@code phase} is
 * volatile and written after the outcome, so the caller sees the outcome once it sees the end.
 */
final class CrossHubJoin {

    private CrossHubJoin() {
    }

    /** @return whether {@code greenlet} is dead */
    static boolean join(Greenlet<?> greenlet, Duration timeout) {
        Hub hub = Hub.current();
        Waiter<Void> waiter = new Waiter<>(hub);
        AsyncWatcher dead = hub.loop().async();
        Runnable wake = dead::send;
        AbstractResult<?> end = greenlet.result();
        try {
            dead.start(waiter);
            end.whenCompleted(wake);
            if (!greenlet.ready()) {
                waiter.getWithin(timeout, null);
            }
        } finally {
            end.removeWhenCompleted(wake);
            dead.close();
        }
        return greenlet.ready();
    }
}
