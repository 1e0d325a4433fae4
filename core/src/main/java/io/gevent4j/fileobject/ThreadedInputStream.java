package io.gevent4j.fileobject;

import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link InputStream} whose reads run on a {@link ThreadPool} while the calling greenlet
 * waits cooperatively (gevent's {@code FileObjectThread} for reading): the way to read a
 * file, a pipe or {@code System.in} inside a greenlet without stalling its hub.
 *
 * <p>Reads block the calling greenlet only, and greenlets that share the stream take turns.
 * A kill or {@link io.gevent4j.Timeout} raised in a blocked reader ends its wait, not the read
 * running in the pool: the bytes it brings are returned by the next read, so nothing is lost.
 * {@link #available()} counts only such bytes already read. {@link #close()} closes the
 * wrapped stream at once, from the calling thread.
 *
 * <p>Hub-thread only: every method must be called on the pool's hub (its platform thread or
 * one of its greenlets), else {@link IllegalStateException}.
 */
public final class ThreadedInputStream extends InputStream {

    private final InputStream in;
    private final Offload io;

    /** Reads {@code in} on the current hub's {@linkplain ThreadPool#of(Hub) threadpool}. */
    public ThreadedInputStream(InputStream in) {
        this(in, ThreadPool.of(Hub.current()));
    }

    /** Reads {@code in} on {@code pool}, whose hub's greenlets then may use the stream. */
    public ThreadedInputStream(InputStream in, ThreadPool pool) {
        this.in = Objects.requireNonNull(in, "in");
        this.io = new Offload(pool);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        return io.read(ByteBuffer.wrap(b, off, len), chunk -> {
            int n = in.read(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            if (n > 0) {
                chunk.position(chunk.position() + n);
            }
            return n;
        });
    }

    /** The bytes already read from the wrapped stream and not yet returned; never blocks. */
    @Override
    public int available() {
        return io.buffered();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
