package io.gevent4j.fileobject;

import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Opens files for cooperative access from greenlets (gevent's {@code gevent.fileobject}): the
 * open and every later operation run on the current hub's
 * {@linkplain ThreadPool#of(Hub) threadpool} while the calling greenlet waits, so a slow disk
 * or a network file system stalls only that greenlet. File I/O called directly in a greenlet
 * ({@code Files.readAllBytes}, {@code FileInputStream}) blocks the whole hub instead.
 *
 * <p>Every method must be called on a hub's thread (its platform thread or a greenlet) and
 * returns an object that belongs to that hub. The open throws what {@link Files} would.
 */
public final class FileObjects {

    private FileObjects() {
    }

    /** Opens {@code path} as {@link FileChannel#open(Path, OpenOption...)} does, for cooperative use. */
    public static ThreadedFileChannel open(Path path, OpenOption... options) throws IOException {
        ThreadPool pool = ThreadPool.of(Hub.current());
        return new ThreadedFileChannel(offload(pool, () -> FileChannel.open(path, options)), pool);
    }

    /** Opens {@code path} for reading as {@link Files#newInputStream} does, for cooperative use. */
    public static ThreadedInputStream newInputStream(Path path, OpenOption... options) throws IOException {
        ThreadPool pool = ThreadPool.of(Hub.current());
        return new ThreadedInputStream(offload(pool, () -> Files.newInputStream(path, options)), pool);
    }

    /** Opens {@code path} for writing as {@link Files#newOutputStream} does, for cooperative use. */
    public static ThreadedOutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        ThreadPool pool = ThreadPool.of(Hub.current());
        return new ThreadedOutputStream(offload(pool, () -> Files.newOutputStream(path, options)), pool);
    }

    /**
     * {@code System.in} for the greenlets of the current hub: the same stream on every call
     * from one hub, read on its threadpool, so a greenlet waiting for a line of input lets
     * the others run. Read standard input from one hub only: two hubs reading it would each
     * get part of it. A read waiting for input holds one thread of the hub's threadpool. Closing
     * the returned stream closes {@code System.in}.
     */
    public static ThreadedInputStream stdin() {
        return Hub.current().service(Stdin.class, h -> new Stdin(new ThreadedInputStream(System.in, ThreadPool.of(h)))).in();
    }

    /** A hub's {@link #stdin()}, a hub service; the hub's close leaves {@code System.in} open. */
    private record Stdin(ThreadedInputStream in) implements AutoCloseable {
        @Override
        public void close() {
        }
    }

    private static <T> T offload(ThreadPool pool, Callable<T> open) throws IOException {
        return new Offload(pool).call(open);
    }
}
