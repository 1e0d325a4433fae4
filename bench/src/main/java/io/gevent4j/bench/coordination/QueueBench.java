package io.gevent4j.bench.coordination;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.queue.Channel;
import io.gevent4j.queue.Queue;

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

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One producer and one consumer handing {@link #ITEMS} items over a queue; the score is per
 * item (one put and one get).
 *
 * <ul>
 *   <li>{@code bounded}: two greenlets of one hub over a gevent4j {@link Queue} of
 *       {@link #CAPACITY} slots; peer {@code bounded_jdk}: two virtual threads of the
 *       JDK's default scheduler over an {@link ArrayBlockingQueue} of the same size.</li>
 *   <li>{@code unbounded}: gevent4j {@code Queue()}; peer: {@link LinkedBlockingQueue}.</li>
 *   <li>{@code channel}: gevent4j {@link Channel} (rendezvous); peer: {@link SynchronousQueue}.</li>
 * </ul>
 *
 * <p>The hub is the JMH worker thread's; its main greenlet spawns both greenlets each
 * invocation and joins the consumer, so it is woken (a carrier hand-off) once per
 * invocation; spawn, join and that wake cost well under 1% of the {@code ITEMS} transfers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class QueueBench {

    /** Items per invocation. */
    public static final int ITEMS = 100_000;
    /** Slots of the bounded queues. */
    public static final int CAPACITY = 16;
    private static final Integer ITEM = 42;

    @Setup
    public void setUp() {
        Hub.current();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long bounded() {
        Queue<Integer> q = new Queue<>(CAPACITY);
        return greenlets(q::put, q::get);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long unbounded() {
        Queue<Integer> q = new Queue<>();
        return greenlets(q::put, q::get);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long channel() {
        Channel<Integer> q = new Channel<>();
        return greenlets(q::put, q::get);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long bounded_jdk() throws InterruptedException {
        return virtualThreads(new ArrayBlockingQueue<>(CAPACITY));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long unbounded_jdk() throws InterruptedException {
        return virtualThreads(new LinkedBlockingQueue<>());
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long channel_jdk() throws InterruptedException {
        return virtualThreads(new SynchronousQueue<>());
    }

    private static long greenlets(Consumer<Integer> put, Supplier<Integer> get) {
        Gevent.spawn(() -> {
            for (int i = 0; i < ITEMS; i++) {
                put.accept(ITEM);
            }
        });
        Greenlet<Long> consumer = Gevent.spawn(() -> {
            long sum = 0;
            for (int i = 0; i < ITEMS; i++) {
                sum += get.get();
            }
            return sum;
        });
        return consumer.get();
    }

    private static long virtualThreads(BlockingQueue<Integer> q) throws InterruptedException {
        long[] sum = {0};
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ITEMS; i++) {
                    q.put(ITEM);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                long s = 0;
                for (int i = 0; i < ITEMS; i++) {
                    s += q.take();
                }
                sum[0] = s;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.join();
        consumer.join();
        return sum[0];
    }
}
