package io.gevent4j.lock;

/**
 * A lock or semaphore held for the length of a try-with-resources block (gevent's
 * {@code with lock:}): {@link #acquired()} acquires it, blocking as {@link #acquire()} does,
 * and the end of the block releases it through {@link #close()}.
 *
 * <pre>{@code
 * try (var held = lock.acquired()) {
 *     ... the lock is held here ...
 * }
 * }</pre>
 *
 * @param <L> the implementing type, which {@link #acquired()} returns
 */
public interface Acquirable<L extends Acquirable<L>> extends AutoCloseable {

    /** Acquires, blocking until it can (a kill or {@code Timeout} is thrown from here); returns {@code true}. */
    boolean acquire();

    /** Releases what one {@link #acquire()} took: the implementation's {@code release()}. */
    @Override
    void close();

    /** Acquires and returns this, to be released by try-with-resources. */
    @SuppressWarnings("unchecked")
    default L acquired() {
        acquire();
        return (L) this;
    }
}
