package io.gevent4j.bench.core;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Waiter;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory per blocked green thread: the live heap after a full GC with {@code count}
 * (default 100,000) of them blocked, minus the live heap before they were created, divided
 * by {@code count}. A blocked virtual thread keeps its stack in a heap object, so the heap
 * holds everything a blocked greenlet costs.
 *
 * <p>gevent4j: greenlets spawned by the main greenlet, each blocked in {@link Waiter#get()}
 * on a Waiter of its own (what an Event or a Queue creates for each waiter). JDK: virtual
 * threads of the default scheduler, all blocked in {@link CountDownLatch#await()} on one
 * latch (which queues one node per waiter). The lists that hold the greenlets and threads
 * are allocated before the baseline.
 *
 * <p>A blocked virtual thread's stack chunk is smaller once the frames on it are compiled
 * (interpreted frames are larger), so each side runs {@value #ROUNDS} rounds and reports
 * the last; the earlier rounds are printed as comments.
 *
 * <p>Prints one {@code RESULT <benchmark> <implementation> <value> <unit>} line per
 * implementation (the format {@code bench/run} reads; see bench/README.md). Run with
 * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}.
 */
public final class MemoryMeasure {

    private static final String KEY = "core.MemoryMeasure.blocked";
    private static final int ROUNDS = 5;

    private MemoryMeasure() {
    }

    public static void main(String[] args) throws InterruptedException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        double bytes = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            bytes = greenlets(count);
            System.out.printf("# gevent4j round %d: %.1f B per blocked greenlet%n", round, bytes);
        }
        System.out.printf("RESULT %s gevent4j %.1f B%n", KEY, bytes);
        for (int round = 1; round <= ROUNDS; round++) {
            bytes = virtualThreads(count);
            System.out.printf("# jdk round %d: %.1f B per blocked virtual thread%n", round, bytes);
        }
        System.out.printf("RESULT %s jdk %.1f B%n", KEY, bytes);
    }

    private static double greenlets(int count) {
        Hub hub = Hub.current();
        List<Waiter<Void>> waiters = new ArrayList<>(count);
        List<Greenlet<?>> greenlets = new ArrayList<>(count);
        long before = liveHeap();
        for (int i = 0; i < count; i++) {
            Waiter<Void> w = new Waiter<>(hub);
            waiters.add(w);
            greenlets.add(Gevent.spawn(() -> {
                w.get();
            }));
        }
        Gevent.sleep(0);
        for (Waiter<Void> w : waiters) {
            if (w.waiting() == null) {
                throw new IllegalStateException("a greenlet is not blocked yet: " + w);
            }
        }
        long during = liveHeap();
        for (Waiter<Void> w : waiters) {
            w.switchTo(null);
        }
        Gevent.joinAll(greenlets);
        hub.close();
        return (double) (during - before) / count;
    }

    private static double virtualThreads(int count) throws InterruptedException {
        Thread[] threads = new Thread[count];
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        Runnable body = () -> {
            entered.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        long before = liveHeap();
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.ofVirtual().start(body);
        }
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
        }
        if (entered.get() != count) {
            throw new IllegalStateException(entered.get() + " of " + count + " virtual threads blocked");
        }
        long during = liveHeap();
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return (double) (during - before) / count;
    }

    private static long liveHeap() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
