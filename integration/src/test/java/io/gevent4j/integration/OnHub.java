package io.gevent4j.integration;

import io.gevent4j.hub.Hub;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a test body as the main greenlet of a new hub on a new platform thread, closes the
 * hub afterwards and rethrows the body's failure; a body that runs past the limit fails.
 */
final class OnHub {

    static final Duration LIMIT = Duration.ofSeconds(90);

    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    private OnHub() {
    }

    static void run(Body body) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            Hub hub = Hub.current();
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                hub.close();
            }
        }, "integration-hub");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!thread.join(LIMIT)) {
                AssertionError e = new AssertionError("test body did not end within " + LIMIT);
                e.setStackTrace(thread.getStackTrace());
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new AssertionError(t);
        }
    }

    /** Seconds since {@code startNanos}. */
    static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
