package io.gevent4j.server;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.lock.Semaphore;
import io.gevent4j.pool.Group;
import io.gevent4j.socket.DetachedSocket;
import io.gevent4j.socket.ListeningSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The handlers of a {@link StreamServer} that serves from a {@link HubGroup}: one
 * {@link Group} on each hub of the group, the hand-off of each accepted connection to the
 * next open hub, round robin, where the connection lives for its whole life, and the
 * server's {@link BaseServer#maxConcurrency limit} over all of them.
 *
 * <p>Made and used on the server's hub. Each group is made on its own hub, by the first
 * hand-off or stop that reaches it, dropped by the stop, and touched only there (hand-offs
 * and stops run there through {@link Hub#runThreadsafe}). Hand-offs and stops go through the same per-hub
 * callback queue, in order, so a stop reaches a hub after every connection handed to it before.
 *
 * <p><b>Implementation overview.</b> A connection ({@link DetachedSocket}) handed off is in {@code handed} until the
 * hub's callback takes it; whoever removes it from there owns it. A hub that closes drops
 * the callbacks it has not run and runs their {@code ifClosed} instead
 * ({@link Hub#runThreadsafe(Runnable, Runnable)}), so a connection handed to a hub found closed
 * right after is closed by the hand-off, and one whose hub closed later, before taking it, by
 * that {@code ifClosed}, at once (its permit is then free); {@link #stop} closes any left.
 *
 * <p>With a limit, each connection holds a permit of a {@link Semaphore} (thread-safe) from
 * before it is accepted until it ends: the receiver waits for one, cooperatively, before
 * accepting, so the connections beyond the limit wait in the kernel's backlog; the permit
 * is given back on the hub that served the connection once its handler ended, or wherever
 * the connection was closed unserved.
 */
final class HubHandlerGroups {

    /** How long {@link #stop} waits for a hub beyond the handlers' timeout: the kill's second, and the hop. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    /** Serves a connection handed to a hub, on that hub. */
    @FunctionalInterface
    interface Serve {
        /**
         * Serves {@code connection} in a handler spawned in {@code handlers}, and runs
         * {@code ended} once: when that handler has ended and closed the connection, or at once
         * if no handler could be spawned (the connection then closed).
         */
        void serve(DetachedSocket connection, Group handlers, Runnable ended);
    }

    private final HubGroup hubs;
    private final Map<Hub, Group> groups = new ConcurrentHashMap<>();
    private final Set<DetachedSocket> handed = ConcurrentHashMap.newKeySet();
    /** One permit per connection the limit allows; {@code null} without a limit. */
    private final Semaphore permits;

    /**
     * Handlers on the hubs of {@code hubs}, at most {@code maxConcurrency} at once on all of
     * them together (0 for no limit).
     *
     * @throws IllegalStateException if {@code hubs} is closed
     */
    HubHandlerGroups(HubGroup hubs, int maxConcurrency) {
        if (hubs.isClosed()) {
            throw new IllegalStateException("cannot serve from a closed " + hubs);
        }
        this.hubs = hubs;
        this.permits = maxConcurrency > 0 ? new Semaphore(maxConcurrency) : null;
    }

    /**
     * Blocks the calling greenlet (the receiver) until the limit lets one more connection in,
     * then until {@code listener} accepts one, and hands it to the next open hub, where
     * {@code serve} runs with it as a loop callback.
     *
     * @throws IOException if accepting failed, or every hub of the group is closed (the
     *         connection is then closed unserved)
     */
    void acceptAndHandOff(ListeningSocket listener, Serve serve) throws IOException {
        if (permits != null) {
            permits.acquire();
        }
        DetachedSocket connection;
        try {
            connection = listener.acceptDetached();
        } catch (IOException | RuntimeException | Error e) {
            connectionEnded();
            throw e;
        }
        handOff(connection, serve);
    }

    private void handOff(DetachedSocket connection, Serve serve) throws IOException {
        Hub hub = nextOpenHub();
        if (hub == null) {
            closeUnserved(connection);
            throw new IOException("every hub of " + hubs + " is closed: the connection is closed unserved");
        }
        handed.add(connection);
        hub.runThreadsafe(() -> {
            if (handed.remove(connection)) {
                serve.serve(connection, groupHere(), this::connectionEnded);
            }
        }, () -> closeIfStillHanded(connection));
        if (hub.isClosed() && handed.remove(connection)) {
            closeUnserved(connection);
        }
    }

    /**
     * The hand-off's {@code ifClosed}: its hub closed before taking {@code connection}, which is
     * closed unserved unless something else took it; a failure to close is thrown for the
     * closing hub to log. On the thread that found the hand-off dropped.
     */
    private void closeIfStillHanded(DetachedSocket connection) {
        if (handed.remove(connection)) {
            try {
                closeUnserved(connection);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Closes a connection no handler took, and gives its permit back. */
    private void closeUnserved(DetachedSocket connection) throws IOException {
        try {
            connection.close();
        } finally {
            connectionEnded();
        }
    }

    /** A connection let in by the limit has ended: its permit is free. Any thread. */
    private void connectionEnded() {
        if (permits != null) {
            permits.release();
        }
    }

    /** The group's next open hub, or {@code null} once every hub of it closed. */
    private Hub nextOpenHub() {
        try {
            return hubs.next();
        } catch (RejectedExecutionException everyHubClosed) {
            return null;
        }
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
     * then drops that group (every connection handed to the hub was taken before: they share
     * its callback queue), and blocks the calling greenlet until every one has returned
     * (waiting for each at most {@code timeout} and a margin: a hub that closes meanwhile may
     * never run it); then
     * drops the groups of hubs that closed and closes the connections handed to them before they
     * took them.
     *
     * @throws IOException if closing such a connection failed (the others are closed still)
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
        for (DetachedSocket connection : List.copyOf(handed)) {
            try {
                if (handed.remove(connection)) {
                    closeUnserved(connection);
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
