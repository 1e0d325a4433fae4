package io.gevent4j.socket;

import io.gevent4j.internal.linux.Net;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;

/**
 * One read or write of a socket of gevent4j's own, without waiting, with a
 * {@link java.nio.channels.SocketChannel}'s results: a direct buffer is read into (written
 * from) directly, a heap buffer through the hub's {@link RecvBuffer}. A read stops at its
 * first system call that comes back short, so that a read that got fewer bytes than it had
 * room for means that the kernel's queue was found empty: the socket's watcher is
 * edge-triggered, and no new edge would announce bytes left behind. A connection that
 * another thread's {@code close()} replaced meanwhile reads and writes as closed
 * ({@link AsynchronousCloseException}), not as the end of stream or broken pipe the
 * replacement shows. Hub-thread only.
 */
final class NativeIo {

    private NativeIo() {
    }

    /**
     * Reads into {@code dst} what is there: a direct buffer in one system call, a heap buffer
     * through the hub's buffer (see {@link #readThroughBuffer}).
     *
     * @return the number of bytes read, -1 at end of stream, 0 if none was there or {@code dst} is full
     * @throws IllegalArgumentException if {@code dst} is read-only, as a JDK channel's read
     */
    static int read(AbstractSocket socket, ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        RecvBuffer buffer = socket.recvBuffer();
        int size = dst.remaining();
        int n;
        try {
            if (dst.isDirect()) {
                n = buffer.net().read(socket.fd, MemorySegment.ofBuffer(dst), size);
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                n = readThroughBuffer(socket.fd, buffer, dst);
            }
        } catch (IOException e) {
            throw NativeFd.failure(socket, e);
        }
        return checkEnd(socket, n);
    }

    /**
     * Reads into the heap buffer {@code dst} through the hub's buffer, {@link RecvBuffer#SIZE}
     * bytes at most per system call, until a read comes back short or {@code dst} is full:
     * fewer bytes than {@code dst} had room for still means that the kernel's queue was found
     * empty, and a large buffer costs no native memory of its own (a read of a large array
     * piece by piece would otherwise allocate and clear its whole remainder every time).
     *
     * @return the number of bytes read, -1 at end of stream before any, 0 if none was there
     */
    private static int readThroughBuffer(int fd, RecvBuffer buffer, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int chunk = Math.min(dst.remaining(), RecvBuffer.SIZE);
            int n = buffer.net().read(fd, buffer.segment(), chunk);
            if (n <= 0) {
                return total > 0 ? total : n;
            }
            dst.put(buffer.take(n));
            total += n;
            if (n < chunk) {
                break;
            }
        }
        return total;
    }

    /**
     * Reads at most {@code maxBytes} (at most {@link RecvBuffer#SIZE}) into a new array of
     * the size read.
     *
     * @return the bytes read, empty at end of stream, {@code null} if none were there
     */
    static byte[] recv(AbstractSocket socket, int maxBytes) throws IOException {
        RecvBuffer buffer = socket.recvBuffer();
        int n;
        try {
            n = buffer.net().read(socket.fd, buffer.segment(), maxBytes);
        } catch (IOException e) {
            throw NativeFd.failure(socket, e);
        }
        checkEnd(socket, n);
        if (n == 0) {
            return null;
        }
        byte[] data = new byte[Math.max(n, 0)];
        MemorySegment.copy(buffer.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
        return data;
    }

    /**
     * Writes from {@code src} what the kernel takes now: a heap buffer in chunks of
     * {@link RecvBuffer#SIZE} until one is not taken whole.
     *
     * @return the number of bytes written, 0 if the send buffer is full or {@code src} is empty
     */
    static int write(AbstractSocket socket, ByteBuffer src) throws IOException {
        RecvBuffer buffer = socket.recvBuffer();
        Net net = buffer.net();
        try {
            if (src.isDirect()) {
                int n = net.write(socket.fd, MemorySegment.ofBuffer(src), src.remaining());
                src.position(src.position() + n);
                return n;
            }
            int total = 0;
            while (src.hasRemaining()) {
                int chunk = Math.min(src.remaining(), RecvBuffer.SIZE);
                buffer.take(chunk).put(0, src, src.position(), chunk);
                int n = net.write(socket.fd, buffer.segment(), chunk);
                src.position(src.position() + n);
                total += n;
                if (n < chunk) {
                    break;
                }
            }
            return total;
        } catch (IOException e) {
            throw NativeFd.failure(socket, e);
        }
    }

    /** {@code n}, unless it is the end of stream a replaced connection shows. */
    private static int checkEnd(AbstractSocket socket, int n) throws AsynchronousCloseException {
        if (n < 0 && NativeFd.gone(socket)) {
            throw new AsynchronousCloseException();
        }
        return n;
    }

    /**
     * The operations among {@code ops} ({@link SelectionKey} bits) that the socket is ready
     * for now, all of them if it has an error or hung up: one {@code poll} system call, for a
     * wait that no operation which found nothing came before (the socket's watchers are
     * edge-triggered: an edge consumed earlier never comes again).
     */
    static int readyOps(AbstractSocket socket, int ops) throws IOException {
        int reading = ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        int writing = ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        short asked = (short) ((reading != 0 ? Net.POLLIN : 0) | (writing != 0 ? Net.POLLOUT : 0));
        int events = socket.net().poll(socket.fd, asked);
        boolean failed = (events & (Net.POLLERR | Net.POLLHUP)) != 0;
        return ((events & Net.POLLIN) != 0 || failed ? reading : 0)
                | ((events & Net.POLLOUT) != 0 || failed ? writing : 0);
    }
}
