package io.gevent4j.bench.coordination;

import io.gevent4j.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.pool.Pool;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * {@code Pool.imap} over {@link #ITEMS} items with a trivial function, at most
 * {@link #SIZE} at a time, reading the results in input order; the score is per item (a
 * greenlet spawned, run, and its result read).
 *
 * <ul>
 *   <li>{@code imap}: gevent4j {@link Pool}{@code (SIZE).imap}, iterated by a driver
 *       greenlet that the main greenlet (the JMH thread) joins: the reader blocks for each
 *       result, and in the main greenlet each of those waits would be a carrier hand-off.</li>
 *   <li>{@code imap_jdk}: the same shape with the JDK: a virtual thread per item on the
 *       default scheduler, a {@link Semaphore} of {@code SIZE} permits bounding them, the
 *       results read in order from their {@link Future}s.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class PoolImapBench {

    public static final int ITEMS = 100_000;
    public static final int SIZE = 100;

    private List<Integer> items;

    @Setup
    public void setUp() {
        Hub.current();
        items = IntStream.range(0, ITEMS).boxed().toList();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long imap() {
        return Gevent.spawn(() -> {
            Pool pool = new Pool(SIZE);
            long sum = 0;
            for (int r : pool.imap((Integer i) -> i + 1, items)) {
                sum += r;
            }
            return sum;
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long imap_jdk() throws InterruptedException, ExecutionException {
        Semaphore permits = new Semaphore(SIZE);
        List<Future<Integer>> futures = new ArrayList<>(ITEMS);
        long sum = 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Thread submitter = Thread.ofVirtual().start(() -> {
                for (Integer i : items) {
                    permits.acquireUninterruptibly();
                    Future<Integer> f = executor.submit(() -> {
                        try {
                            return i + 1;
                        } finally {
                            permits.release();
                        }
                    });
                    synchronized (futures) {
                        futures.add(f);
                        futures.notifyAll();
                    }
                }
            });
            for (int k = 0; k < ITEMS; k++) {
                Future<Integer> f;
                synchronized (futures) {
                    while (futures.size() <= k) {
                        futures.wait();
                    }
                    f = futures.get(k);
                }
                sum += f.get();
            }
            submitter.join();
        }
        return sum;
    }
}
