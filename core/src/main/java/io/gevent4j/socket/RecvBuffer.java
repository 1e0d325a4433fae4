package io.gevent4j.socket;

import io.gevent4j.hub.Hub;

import java.nio.ByteBuffer;

/**
 * One hub's buffer for {@link StreamSocket#recv}: a recv reads into it and copies out
 * exactly the bytes that came, so that it allocates only its result, however large
 * {@code maxBytes} is, and an idle connection holds no buffer. Every socket of the hub
 * shares it: it is used only between one read and its copy, with no switch in between.
 * Direct, so the channel reads into it without the JDK's own temporary buffer. A service
 * of its hub ({@link Hub#service}); hub-thread only.
 */
final class RecvBuffer implements AutoCloseable {

    /** The most bytes one recv returns; a larger {@code maxBytes} gets at most this many. */
    static final int CAPACITY = 64 * 1024;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY);

    private RecvBuffer() {
    }

    /** The buffer of {@code hub}, made on first use. */
    static RecvBuffer of(Hub hub) {
        return hub.service(RecvBuffer.class, h -> new RecvBuffer());
    }

    /** The buffer, emptied, with room for {@code min(maxBytes, CAPACITY)} bytes. */
    ByteBuffer room(int maxBytes) {
        return buffer.clear().limit(Math.min(maxBytes, CAPACITY));
    }

    /** Nothing to release: the direct buffer's memory goes with the buffer. */
    @Override
    public void close() {
    }
}
