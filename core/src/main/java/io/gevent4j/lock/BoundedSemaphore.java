package io.gevent4j.lock;

/**
 * A {@link Semaphore} that cannot be released past its initial value (gevent's
 * {@code BoundedSemaphore}): such a release throws {@link IllegalStateException}, which
 * catches a release without a matching acquire. Thread-safe, as {@code Semaphore}.
 */
public class BoundedSemaphore extends Semaphore {

    /** A bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /** A bounded semaphore with {@code value} permits, which is also its bound. */
    public BoundedSemaphore(int value) {
        super(value, value);
    }
}
