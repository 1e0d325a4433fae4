package io.gevent4j.bench.coordination;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.lock.Semaphore;

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
import java.util.concurrent.TimeUnit;

/**
 * {@link #WORKERS} workers contending for a semaphore of {@link #PERMITS} permits: each
 * acquires, yields while holding it (so others block), releases, {@link #ROUNDS} times.
 * The score is per acquire/release pair.
 *
 * <ul>
 *   <li>{@code contended}: greenlets of one hub, gevent4j {@link Semaphore},
 *       {@code Gevent.sleep(0)} as the yield.</li>
 *   <li>{@code contended_jdk}: virtual threads of the JDK's default scheduler,
 *       {@link java.util.concurrent.Semaphore} (non-fair, the default), {@code Thread.yield()}.</li>
 * </ul>
 *
 * <p>The gevent4j workers are spawned and joined by a driver greenlet that the main
 * greenlet (the JMH thread) joins: the carrier hand-off that wakes the main greenlet is paid
 * once per invocation, not once per worker.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class SemaphoreBench {

    public static final int WORKERS = 8;
    public static final int PERMITS = 2;
    public static final int ROUNDS = 5_000;

    @Setup
    public void setUp() {
        Hub.current();
    }

    @Benchmark
    @OperationsPerInvocation(WORKERS * ROUNDS)
    public int contended() {
        return Gevent.spawn(() -> {
            Semaphore s = new Semaphore(PERMITS);
            List<Greenlet<Void>> workers = new ArrayList<>(WORKERS);
            for (int w = 0; w < WORKERS; w++) {
                workers.add(Gevent.spawn(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        s.acquire();
                        Gevent.sleep(0);
                        s.release();
                    }
                }));
            }
            Gevent.joinAll(workers);
            return s.counter();
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(WORKERS * ROUNDS)
    public int contended_jdk() throws InterruptedException {
        java.util.concurrent.Semaphore s = new java.util.concurrent.Semaphore(PERMITS);
        List<Thread> workers = new ArrayList<>(WORKERS);
        for (int w = 0; w < WORKERS; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    s.acquireUninterruptibly();
                    Thread.yield();
                    s.release();
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        return s.availablePermits();
    }
}
