package io.gevent4j.fileobject;

import io.gevent4j.threadpool.ThreadPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * A {@link SeekableByteChannel} over a {@link FileChannel} whose operations run on a
 * {@link ThreadPool} while the calling greenlet waits cooperatively (gevent's
 * {@code FileObjectThread} for random access). Opened by {@link FileObjects#open}.
 *
 * <p>Greenlets that share the channel take turns. A kill or {@link io.gevent4j.Timeout}
 * raised in a blocked caller ends its wait, not the operation: a read's bytes are returned by
 * the next read, a write completes before the next operation starts. {@link #position()}
 * counts such bytes as not yet read. Reads and writes go through private buffers, so the
 * caller's buffer is never touched after its call returned. {@link #close()} closes the file
 * at once, from the calling thread.
 *
 * <p>Hub-thread only: every method but {@link #isOpen()} must be called on the pool's hub,
 * else {@link IllegalStateException}.
 */
public final class ThreadedFileChannel implements SeekableByteChannel {

    private final FileChannel channel;
    private final Offload io;

    ThreadedFileChannel(FileChannel channel, ThreadPool pool) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.io = new Offload(pool);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        return io.read(dst, channel::read);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        io.write(src, buf -> {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        });
        return n;
    }

    @Override
    public long position() throws IOException {
        return io.call(channel::position) - io.buffered();
    }

    @Override
    public ThreadedFileChannel position(long newPosition) throws IOException {
        io.call(() -> channel.position(newPosition));
        io.discardBuffered();
        return this;
    }

    @Override
    public long size() throws IOException {
        return io.call(channel::size);
    }

    @Override
    public ThreadedFileChannel truncate(long size) throws IOException {
        io.call(() -> channel.truncate(size));
        return this;
    }

    /** Forces the file's content (and metadata if asked) to the storage device, as {@link FileChannel#force}. */
    public void force(boolean metaData) throws IOException {
        io.call(() -> {
            channel.force(metaData);
            return null;
        });
    }

    /** Whether the channel is open; any thread. */
    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
