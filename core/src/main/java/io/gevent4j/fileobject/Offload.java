package io.gevent4j.fileobject;

import io.gevent4j.AbstractResult;
import io.gevent4j.lock.Semaphore;
import io.gevent4j.threadpool.ThreadPool;
import io.gevent4j.threadpool.ThreadResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * Runs the blocking operations of one file or pipe on a {@link ThreadPool} while the calling
 * greenlet waits cooperatively (gevent's {@code FileObjectThread}); the streams and the
 * channel of this package are thin faces of it. Hub-thread only.
 *
 * <p><b>Implementation overview.</b> One operation runs at a time: a {@link Semaphore} of one
 * permit orders the greenlets that use the object. A kill or {@code Timeout} of the waiting
 * greenlet ends its wait, not the operation, which stays {@code pending}: the next operation
 * first waits for it. A pending read's chunk ({@code pendingChunk}) becomes {@code leftover},
 * returned by the next read (or its end of stream, {@code endPending}, is); a pending write's
 * error is thrown by the next operation. So nothing read or written is lost or reordered.
 * Reads go into a private buffer, and writes copy the caller's bytes, because an abandoned
 * operation outlives the caller's buffer.
 */
final class Offload {

    private static final int CHUNK = 64 * 1024;

    private final ThreadPool pool;
    private final Semaphore lock = new Semaphore(1);
    private ThreadResult<?> pending;
    private ByteBuffer pendingChunk;
    private boolean endPending;
    private ByteBuffer leftover = ByteBuffer.allocate(0);

    Offload(ThreadPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Reads up to {@code dst.remaining()} bytes with {@code read}, a blocking read into a
     * buffer; returns how many, or -1 at the end.
     */
    int read(ByteBuffer dst, ReadOp read) throws IOException {
        lock.acquire();
        try {
            settle();
            if (!leftover.hasRemaining()) {
                if (endPending) {
                    endPending = false;
                    return -1;
                }
                ByteBuffer chunk = ByteBuffer.allocate(Math.min(Math.max(dst.remaining(), 1), CHUNK));
                pendingChunk = chunk;
                int n = await(pool.spawn(() -> {
                    int r = read.read(chunk);
                    chunk.flip();
                    return r;
                }));
                if (n < 0) {
                    return -1;
                }
                leftover = chunk;
            }
            int n = Math.min(dst.remaining(), leftover.remaining());
            dst.put(dst.position(), leftover, leftover.position(), n);
            dst.position(dst.position() + n);
            leftover.position(leftover.position() + n);
            return n;
        } finally {
            lock.release();
        }
    }

    /** Bytes already read and not yet returned. */
    int buffered() {
        return leftover.remaining();
    }

    /** Drops the bytes already read and not yet returned (a seek makes them stale). */
    void discardBuffered() {
        leftover = ByteBuffer.allocate(0);
        endPending = false;
    }

    /** Writes all of {@code src} with {@code write}, a blocking write of a whole buffer. */
    void write(ByteBuffer src, WriteOp write) throws IOException {
        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
        call(() -> {
            write.write(copy);
            return null;
        });
    }

    /** Runs a blocking operation in order with the others and returns its value. */
    <T> T call(Callable<T> op) throws IOException {
        lock.acquire();
        try {
            settle();
            return await(pool.spawn(op));
        } finally {
            lock.release();
        }
    }

    /** Waits for an operation that an earlier caller left running, keeping what it read. */
    private void settle() throws IOException {
        if (pending != null) {
            ByteBuffer chunk = pendingChunk;
            Object r = await(pending);
            if (chunk != null) {
                if ((Integer) r < 0) {
                    endPending = true;
                } else {
                    leftover = chunk;
                }
            }
        }
    }

    /**
     * Waits for {@code result}; if the wait ends by a kill or {@code Timeout} while the
     * operation runs on, it stays pending for the next operation.
     */
    private <T> T await(ThreadResult<T> result) throws IOException {
        pending = result;
        try {
            return result.get();
        } catch (CompletionException e) {
            throw AbstractResult.unwrap(e, IOException.class);
        } finally {
            if (result.ready()) {
                pending = null;
                pendingChunk = null;
            }
        }
    }

    /** A blocking read into a buffer: bytes read, or -1 at the end. */
    @FunctionalInterface
    interface ReadOp {
        int read(ByteBuffer dst) throws IOException;
    }

    /** A blocking write of a whole buffer. */
    @FunctionalInterface
    interface WriteOp {
        void write(ByteBuffer src) throws IOException;
    }
}
