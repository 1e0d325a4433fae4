package io.gevent4j.server;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.pool.Group;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The handlers of a {@link StreamServer} that serves from a {@link HubGroup}: one
 * {@link Group} on each hub of the group, and the hand-off of each accepted channel to the
 * next open hub, round robin, where the connection lives for its whole life.
 *
 * <p>Made and used on the server's hub. Each group is made on its own hub, by the first
 * hand-off or stop that reaches it, dropped by the stop, and touched only there (hand-offs
 * and stops run there through {@link Hub#runThreadsafe}). Hand-offs and stops go through the same per-hub
 * callback queue, in order, so a stop reaches a hub after every channel handed to it before.
 *
 * <p><b>Implementation overview.</b> A channel handed off is in {@code handed} until the
 * hub's callback takes it; whoever removes it from there owns it. A hub that closes drops
 * the callbacks it has not run ({@link Hub#runThreadsafe}), so a channel handed to a hub
 * found closed right after is closed by the hand-off, and one whose hub closed later by
 * {@link #stop}, once every open hub has taken its own.
 */
final class HubHandlerGroups {

    /** How long {@link #stop} waits for a hub beyond the handlers' timeout: the kill's second, and the hop. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    private final HubGroup hubs;
    private final Map<Hub, Group> groups = new ConcurrentHashMap<>();
    private final Set<SocketChannel> handed = ConcurrentHashMap.newKeySet();

    /** @throws IllegalStateException if {@code hubs} is closed */
    HubHandlerGroups(HubGroup hubs) {
        if (hubs.isClosed()) {
            throw new IllegalStateException("cannot serve from a closed " + hubs);
        }
        this.hubs = hubs;
    }

    /**
     * Hands {@code channel} to the next open hub, where {@code serve} runs with it and that
     * hub's group as a loop callback. Never blocks.
     *
     * @throws IOException if every hub of the group is closed; the channel is closed
     */
    void handOff(SocketChannel channel, BiConsumer<SocketChannel, Group> serve) throws IOException {
        Hub hub = nextOpenHub();
        if (hub == null) {
            channel.close();
            throw new IOException("every hub of " + hubs + " is closed: the connection is closed unserved");
        }
        handed.add(channel);
        hub.runThreadsafe(() -> {
            if (handed.remove(channel)) {
                serve.accept(channel, groupHere());
            }
        });
        if (hub.isClosed() && handed.remove(channel)) {
            channel.close();
        }
    }

    private Hub nextOpenHub() {
        for (int tried = 0; tried < hubs.hubs().size(); tried++) {
            Hub hub = hubs.next();
            if (!hub.isClosed()) {
                return hub;
            }
        }
        return null;
    }

    /** The current hub's group, made on first use. On that hub. */
    private Group groupHere() {
        return groups.computeIfAbsent(Hub.current(), hub -> new Group());
    }

    /** How many hubs hold a group of handlers: none once {@link #stop} has run on every hub. */
    int hubsWithGroups() {
        return groups.size();
    }

    /** Whether {@code greenlet}, running on the current hub, is a handler in this hub's group. */
    boolean contains(Greenlet<?> greenlet) {
        Group group = groups.get(Hub.current());
        return group != null && group.contains(greenlet);
    }

    /**
     * Runs {@code stop} with each open hub's group, in a greenlet of that hub, all at once,
     * then drops that group (every channel handed to the hub was taken before: they share
     * its callback queue), and blocks the calling greenlet until every one has returned
     * (waiting for each at most {@code timeout} and a margin: a hub that closes meanwhile may
     * never run it); then
     * drops the groups of hubs that closed and closes the channels handed to them before they
     * took them.
     *
     * @throws IOException if closing such a channel failed (the others are closed still)
     */
    void stop(Consumer<Group> stop, Duration timeout) throws IOException {
        List<Greenlet<Void>> stopping = new ArrayList<>();
        for (Hub hub : hubs.hubs()) {
            if (!hub.isClosed()) {
                stopping.add(Gevent.spawnOn(hub, () -> {
                    try {
                        stop.accept(groupHere());
                    } finally {
                        groups.remove(hub);
                    }
                    return null;
                }));
            }
        }
        Duration bound = timeout.plus(STOP_MARGIN);
        for (Greenlet<Void> g : stopping) {
            g.join(bound);
        }
        groups.keySet().removeIf(Hub::isClosed);
        IOException failure = null;
        for (SocketChannel channel : List.copyOf(handed)) {
            try {
                if (handed.remove(channel)) {
                    channel.close();
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
