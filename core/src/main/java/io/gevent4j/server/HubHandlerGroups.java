package io.gevent4j.server;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.pool.Group;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The handlers of a {@link StreamServer} that serves from a {@link HubGroup}: one
 * {@link Group} on each hub of the group, and the hand-off of each accepted channel to the
 * next hub, round robin, where the connection lives for its whole life.
 *
 * <p>Made and used on the server's hub; each group is touched only on its own hub (the
 * hand-off runs there through {@link Hub#runThreadsafe}). Hand-offs and stops go through
 * the same per-hub callback queue, in order, so a stop reaches a hub after every channel
 * handed to it before.
 */
final class HubHandlerGroups {

    private final Map<Hub, Group> groups;
    private final HubGroup hubs;

    private HubHandlerGroups(HubGroup hubs, Map<Hub, Group> groups) {
        this.hubs = hubs;
        this.groups = groups;
    }

    /**
     * Makes a group on each hub of {@code hubs}, blocking the calling greenlet (cooperatively)
     * until all are made.
     *
     * @throws IllegalStateException if {@code hubs} is closed
     */
    static HubHandlerGroups create(HubGroup hubs) {
        if (hubs.isClosed()) {
            throw new IllegalStateException("cannot serve from a closed " + hubs);
        }
        Map<Hub, Greenlet<Group>> made = new LinkedHashMap<>();
        for (Hub hub : hubs.hubs()) {
            made.put(hub, Gevent.spawnOn(hub, Group::new));
        }
        Map<Hub, Group> groups = new LinkedHashMap<>();
        made.forEach((hub, greenlet) -> groups.put(hub, greenlet.get()));
        return new HubHandlerGroups(hubs, Map.copyOf(groups));
    }

    /**
     * Hands {@code channel} to the next hub, where {@code serve} runs with it and that hub's
     * group as a loop callback. If that hub is closed the channel is closed instead.
     */
    void handOff(SocketChannel channel, BiConsumer<SocketChannel, Group> serve) throws IOException {
        Hub hub = hubs.next();
        if (hub.isClosed()) {
            channel.close();
            throw new IOException("the hub a connection was handed to is closed: " + hub);
        }
        Group group = groups.get(hub);
        hub.runThreadsafe(() -> serve.accept(channel, group));
    }

    /** Whether {@code greenlet}, running on the current hub, is a handler in this hub's group. */
    boolean contains(Greenlet<?> greenlet) {
        Group group = groups.get(Hub.current());
        return group != null && group.contains(greenlet);
    }

    /**
     * Runs {@code stop} with each open hub's group, in a greenlet of that hub, all at once,
     * and blocks the calling greenlet until every one has returned.
     */
    void stop(Consumer<Group> stop) {
        List<Greenlet<Void>> stopping = new ArrayList<>();
        groups.forEach((hub, group) -> {
            if (!hub.isClosed()) {
                stopping.add(Gevent.spawnOn(hub, () -> {
                    stop.accept(group);
                    return null;
                }));
            }
        });
        for (Greenlet<Void> g : stopping) {
            g.join();
        }
    }
}
