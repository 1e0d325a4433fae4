package io.gevent4j;

import io.gevent4j.hub.AsyncWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * {@link Greenlet#join(Duration)} called from a thread of another hub (or a platform thread,
 * which becomes its hub's main greenlet), and {@link Gevent#joinAll} over greenlets of which
 * some belong to other hubs: blocks the caller cooperatively on its own hub until the
 * greenlets are dead or the timeout passes. A kill or {@code Timeout} raised in the caller
 * meanwhile is thrown here.
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

    /** Whether some of {@code greenlets} belong to another hub than the caller's. */
    static boolean spansHubs(Collection<? extends Greenlet<?>> greenlets) {
        Hub here = Hub.currentIfExists(); // once: a greenlet's hub is a field read, a carrier lookup is not
        for (Greenlet<?> g : greenlets) {
            if (g.hub() != here) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands {@code take} each of {@code greenlets} as it ends, in the order they end, until
     * {@code count} of them ({@code <= 0}: all) or the {@code timeout} passed ({@code null}:
     * no limit); an exception {@code take} throws ends the wait. Each greenlet's end is given
     * a completion callback that queues the greenlet and sends the caller's watcher.
     */
    static void joinAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout, int count,
                        Consumer<Greenlet<?>> take) {
        Waiter.checkTimeout(timeout);
        List<Greenlet<?>> all = List.copyOf(greenlets);
        int wanted = count <= 0 ? all.size() : Math.min(count, all.size());
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        Hub hub = Hub.current();
        Waiter<Void> waiter = new Waiter<>(hub);
        AsyncWatcher ended = hub.loop().async();
        ConcurrentLinkedQueue<Greenlet<?>> order = new ConcurrentLinkedQueue<>();
        List<Runnable> callbacks = new ArrayList<>(all.size());
        try {
            ended.start(waiter);
            for (Greenlet<?> g : all) {
                Runnable callback = () -> {
                    order.add(g);
                    ended.send();
                };
                callbacks.add(callback);
                g.result().whenCompleted(callback);
            }
            for (int taken = 0; taken < wanted; ) {
                Greenlet<?> g = order.poll();
                if (g != null) {
                    taken++;
                    take.accept(g);
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (timeout != null && left <= 0) {
                    return;
                }
                waiter.clear();
                if (order.isEmpty()) {
                    waiter.getWithin(timeout == null ? null : Duration.ofNanos(left), null);
                }
            }
        } finally {
            for (int i = 0; i < callbacks.size(); i++) {
                all.get(i).result().removeWhenCompleted(callbacks.get(i));
            }
            ended.close();
        }
    }
}
