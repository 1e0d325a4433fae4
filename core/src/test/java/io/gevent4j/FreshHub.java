package io.gevent4j;

import io.gevent4j.hub.Hub;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a test body on a new platform thread, so it gets a hub of its own that no other test
 * touched, and closes that hub afterwards. Failures of the body are rethrown in the test
 * thread; a body that does not end within the limit fails the test instead of hanging it.
 */
public final class FreshHub {

    /** Generous on purpose: a loaded 2-core machine must never make a correct test fail. */
    public static final Duration LIMIT = Duration.ofSeconds(60);

    /** A test body that may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    private FreshHub() {
    }

    /** Runs {@code body} as the main greenlet of a fresh hub. */
    public static void run(Body body) {
        call(() -> {
            try {
                body.run();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            return null;
        });
    }

    /** Seconds since {@code startNanos}, a {@link System#nanoTime()} reading. */
    public static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Runs {@code body} as the main greenlet of a fresh hub and returns its result. */
    public static <T> T call(Callable<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            Hub hub = Hub.current();
            try {
                result.set(body.call());
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                hub.close();
            }
        }, "fresh-hub");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!thread.join(LIMIT)) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement e : thread.getStackTrace()) {
                    stack.append("\n\tat ").append(e);
                }
                throw new AssertionError("test body did not end within " + LIMIT + ":" + stack);
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
        return result.get();
    }
}
