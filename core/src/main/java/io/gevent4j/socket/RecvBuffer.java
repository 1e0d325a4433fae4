package io.gevent4j.socket;

import io.gevent4j.hub.Hub;

import java.nio.ByteBuffer;

/**
 * What {@link StreamSocket#recv} reads into: one direct buffer per hub (a
 * {@linkplain Hub#service service} of the hub), from which each read copies the bytes it got
 * into an array of their size. A {@code recv(4096)} that gets 64 bytes so allocates 64 bytes,
 * not a zeroed 4 KiB buffer and then its copy, and the channel reads straight into native
 * memory, where a heap buffer's read goes through a temporary direct buffer of the JDK's.
 * The hub's greenlets share it safely: a greenlet does not switch between its read and its
 * copy. Hub-thread only.
 */
final class RecvBuffer implements AutoCloseable {

    /** The most bytes one read through this buffer takes; larger {@code recv}s allocate their own. */
    static final int SIZE = 64 * 1024;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE);

    private RecvBuffer() {
    }

    /**
     * The buffer of {@code hub}, made on first use; {@code null} once the hub is closing (its
     * services are closed or about to be), when a read allocates a buffer of its own.
     */
    static RecvBuffer of(Hub hub) {
        if (hub.state().compareTo(Hub.State.CLOSING) >= 0) {
            return null;
        }
        return hub.service(RecvBuffer.class, h -> new RecvBuffer());
    }

    /**
     * The buffer, emptied, with room for {@code maxBytes} (at most {@link #SIZE}): the caller
     * reads into it and copies out what it read before it can switch to another greenlet.
     */
    ByteBuffer take(int maxBytes) {
        return buffer.clear().limit(maxBytes);
    }

    /** Nothing to release: the buffer's native memory goes with the buffer. */
    @Override
    public void close() {
    }
}
