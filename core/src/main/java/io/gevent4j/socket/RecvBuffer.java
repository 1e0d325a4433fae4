package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.internal.linux.Net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The native memory a hub's sockets read and write through: one direct buffer per hub (a
 * {@linkplain Hub#service service} of the hub) and, for sockets of gevent4j's own, the
 * hub's {@link Net} (the system calls with their {@code errno} and address memory).
 *
 * <p>{@link StreamSocket#recv} reads into the buffer and copies the bytes it got into an
 * array of their size: a {@code recv(4096)} that gets 64 bytes so allocates 64 bytes, not a
 * zeroed 4 KiB buffer and then its copy. A JDK channel reads into it as a
 * {@link ByteBuffer} ({@link #take}), a file descriptor as a {@link MemorySegment}
 * ({@link #segment()}); a socket of gevent4j's own also stages a heap buffer's bytes there
 * on their way to or from the kernel. The hub's greenlets share it safely: a greenlet does
 * not switch between its system call and its copy. Hub-thread only.
 */
final class RecvBuffer implements AutoCloseable {

    /** The most bytes one read through this buffer takes; larger {@code recv}s allocate their own. */
    static final int SIZE = 64 * 1024;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE);
    private final MemorySegment segment = MemorySegment.ofBuffer(buffer);
    /** Made on first use: only sockets of gevent4j's own need it, and only where native access is granted. */
    private Net net;

    private RecvBuffer() {
    }

    /**
     * The buffer of {@code hub}, made on first use; once the hub is closing (its services are
     * closed or about to be) a buffer of the caller's own, for a socket that first reads
     * while its greenlet ends with the hub (each socket keeps the buffer it got).
     */
    static RecvBuffer of(Hub hub) {
        if (hub.state().compareTo(Hub.State.CLOSING) >= 0) {
            return new RecvBuffer();
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

    /** The buffer's {@link #SIZE} bytes of native memory, for a system call. */
    MemorySegment segment() {
        return segment;
    }

    /** The hub's system calls for sockets of gevent4j's own. */
    Net net() {
        if (net == null) {
            net = new Net(Arena.ofAuto());
        }
        return net;
    }

    /** Nothing to release: the native memory goes with the buffer and the {@link Net}. */
    @Override
    public void close() {
    }
}
