package io.gevent4j.fileobject;

import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link OutputStream} whose writes, flushes and close run on a {@link ThreadPool} while
 * the calling greenlet waits cooperatively (gevent's {@code FileObjectThread} for writing):
 * the way to write a file or a pipe inside a greenlet without stalling its hub.
 *
 * <p>Greenlets that share the stream take turns, and their writes reach the wrapped stream in
 * the order they were made. A kill or {@link io.gevent4j.Timeout} raised in a blocked writer
 * ends its wait, not the write, which completes before the next operation starts; an error it
 * meets is thrown by that next operation. The bytes are copied, so the caller's array may be
 * reused at once.
 *
 * <p>Hub-thread only: every method must be called on the pool's hub (its platform thread or
 * one of its greenlets), else {@link IllegalStateException}.
 */
public final class ThreadedOutputStream extends OutputStream {

    private final OutputStream out;
    private final Offload io;

    /** Writes {@code out} on the current hub's {@linkplain ThreadPool#of(Hub) threadpool}. */
    public ThreadedOutputStream(OutputStream out) {
        this(out, ThreadPool.of(Hub.current()));
    }

    /** Writes {@code out} on {@code pool}, whose hub's greenlets then may use the stream. */
    public ThreadedOutputStream(OutputStream out, ThreadPool pool) {
        this.out = Objects.requireNonNull(out, "out");
        this.io = new Offload(pool);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        io.write(ByteBuffer.wrap(b, off, len),
                src -> out.write(src.array(), src.arrayOffset() + src.position(), src.remaining()));
    }

    @Override
    public void flush() throws IOException {
        io.call(() -> {
            out.flush();
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        io.call(() -> {
            out.close();
            return null;
        });
    }
}
