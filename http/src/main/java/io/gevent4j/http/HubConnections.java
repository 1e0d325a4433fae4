package io.gevent4j.http;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Loop;

import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A server's connections on one hub and what they share there: the buffer pool, the scratch
 * buffer every read lands in, the direct buffer plain writes go through, the cached date and
 * the request targets seen lately. A server served by one hub has one; a server spread over
 * a {@link io.gevent4j.hub.HubGroup} has one per hub of the group, so that nothing here is
 * shared between threads. Once the server stops and the hub's last connection has ended, the
 * record is released (the server drops it, with its buffers). Hub-thread only.
 */
final class HubConnections {

    private final Consumer<HubConnections> release;
    private final Loop loop = Hub.current().loop();
    private final BufferPool pool = new BufferPool();
    private final HttpDate date = new HttpDate();
    private final RequestTargets targets = new RequestTargets();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(BufferPool.SIZE);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(BufferPool.SIZE);
    private final Set<Connection> connections = new LinkedHashSet<>();
    private boolean draining;

    /** A record given to {@code release} once it is drained and holds no connection (maybe more than once). */
    HubConnections(Consumer<HubConnections> release) {
        this.release = release;
    }

    /** The loop of the hub these connections live on. */
    Loop loop() {
        return loop;
    }

    BufferPool pool() {
        return pool;
    }

    HttpDate date() {
        return date;
    }

    RequestTargets targets() {
        return targets;
    }

    ByteBuffer scratch() {
        return scratch;
    }

    /** The direct buffer the connections' plain writes go through (see {@link Transport}). */
    ByteBuffer writeBuffer() {
        return writeBuffer;
    }

    /** A connection's greenlet began; once the server stops it is drained at once. */
    void add(Connection c) {
        connections.add(c);
        if (draining) {
            drain(c);
        }
    }

    /** A connection's greenlet ended. */
    void remove(Connection c) {
        connections.remove(c);
        releaseIfDone();
    }

    /**
     * The server began stopping before this record was made: each connection is drained as
     * it is added, and the record is released once the last has ended (not before the first
     * was added).
     */
    void drainFromStart() {
        draining = true;
    }

    /**
     * The server is stopping: every connection answers its running exchange with
     * {@code Connection: close} and ends, and an idle one's wait for a request ends at once.
     * An idle connection is not killed: its request may have arrived already. The record is
     * released once the last connection has ended (at once if there is none).
     */
    void drainAll() {
        draining = true;
        for (Connection c : List.copyOf(connections)) {
            drain(c);
        }
        releaseIfDone();
    }

    private void releaseIfDone() {
        if (draining && connections.isEmpty()) {
            release.accept(this);
        }
    }

    private static void drain(Connection c) {
        c.drain();
        if (!c.busy()) {
            c.endIdleWait();
        }
    }
}
