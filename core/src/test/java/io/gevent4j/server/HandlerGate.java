package io.gevent4j.server;

import io.gevent4j.Gevent;
import io.gevent4j.lock.Semaphore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Handlers, on any hubs, that count themselves while they wait for the test to let them
 * through: how many run now, and the most that ever ran at once. Thread-safe.
 */
final class HandlerGate {

    /** What a handler does once let through. */
    @FunctionalInterface
    interface Then {
        void run() throws Exception;
    }

    private final Semaphore passes = new Semaphore(0);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();

    /** In a handler: counts it running, waits until let through, runs {@code then}, counts it ended. */
    void pass(Then then) throws Exception {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            passes.acquire();
            then.run();
        } finally {
            running.decrementAndGet();
        }
    }

    /** Lets {@code n} handlers through, those waiting and those to come. */
    void open(int n) {
        for (int i = 0; i < n; i++) {
            passes.release();
        }
    }

    int running() {
        return running.get();
    }

    int most() {
        return most.get();
    }

    /** Waits (cooperatively, at most 60 s for a loaded machine) until {@code n} handlers run. */
    void awaitRunning(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (running.get() != n && System.nanoTime() < deadline) {
            Gevent.sleep(0.005);
        }
        assertEquals(n, running.get(), "handlers running");
    }
}
