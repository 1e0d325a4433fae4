package io.gevent4j.socket;

import io.gevent4j.internal.linux.Net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;

/**
 * The end of a socket's file descriptor, between its hub and the other threads that may
 * close it (a socket of gevent4j's own): kept in the socket's {@code fdState} byte, so it
 * costs no object per socket.
 *
 * <p>Another thread's close cannot release the number: the hub's greenlets may be using it
 * (a read under way, a watcher in the loop). It replaces the connection at once instead
 * ({@link Net#preClose}: the port is freed, the peer sees the close), and the hub closes the
 * number when it runs the rest of the close. The hub must not release the number while that
 * replacement ({@code dup2} onto it) is under way, lest it land on a number released and
 * reused: the states {@link #OPEN} → {@link #PRECLOSING} → {@link #PRECLOSED} →
 * {@link #RELEASED}, or {@code OPEN} → {@code RELEASED}, changed by compare-and-set.
 */
final class NativeFd {

    /** The descriptor is the socket's. */
    static final byte OPEN = 0;
    /** Another thread is replacing the connection. */
    private static final byte PRECLOSING = 1;
    /** The connection was replaced; the number waits for the hub to close it. */
    private static final byte PRECLOSED = 2;
    /** The hub closed the descriptor. */
    private static final byte RELEASED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AbstractSocket.class, "fdState", byte.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NativeFd() {
    }

    /**
     * Another thread's close: replaces the connection at once, unless the hub released the
     * descriptor or another thread replaced it already. Any thread.
     */
    static void preClose(AbstractSocket socket) throws IOException {
        if (!STATE.compareAndSet(socket, OPEN, PRECLOSING)) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            new Net(arena).preClose(socket.fd);
        } finally {
            STATE.setVolatile(socket, PRECLOSED);
        }
    }

    /**
     * Closes the descriptor, once its watchers are closed, unless it was released already:
     * waits for another thread's {@link #preClose} under way (a system call's time). The
     * hub's thread, or any thread once the hub's loop is closed (nothing can use the number
     * any more).
     */
    static void release(AbstractSocket socket, Net net) throws IOException {
        while (true) {
            byte state = (byte) STATE.getVolatile(socket);
            if (state == RELEASED) {
                return;
            }
            if (state != PRECLOSING && STATE.compareAndSet(socket, state, RELEASED)) {
                net.close(socket.fd);
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Whether the descriptor is no longer the connection: replaced by another thread's close, or released. Any thread. */
    static boolean gone(AbstractSocket socket) {
        return (byte) STATE.getVolatile(socket) != OPEN;
    }

    /**
     * What a failed call on the descriptor means: {@code e} itself, or an
     * {@link AsynchronousCloseException} if another thread's close replaced the connection
     * meanwhile (the replacement's errors and end of stream are not the peer's).
     */
    static IOException failure(AbstractSocket socket, IOException e) {
        return gone(socket) ? new AsynchronousCloseException() : e;
    }
}
