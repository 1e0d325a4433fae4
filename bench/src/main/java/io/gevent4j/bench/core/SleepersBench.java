package io.gevent4j.bench.core;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link #COUNT} green threads that each sleep 100 ms, spawned then joined: the total time
 * of one round (100 ms of it is the sleep itself). {@code sleepers}: greenlets calling
 * {@code Gevent.sleep(0.1)}, spawned and joined with {@link Gevent#joinAll} by a driver
 * greenlet that the main greenlet (the JMH thread) joins, so the carrier hand-off that
 * wakes it is paid once per round (peer: {@code gevent.sleep(0.1)}). {@code sleepers_jdk}:
 * the same shape with virtual threads of the JDK's default scheduler calling
 * {@code Thread.sleep(100)}, started and joined by a driver virtual thread.
 * {@code sleepersOnHubs}: {@code sleepers} on every hub of a {@link io.gevent4j.hub.HubGroup}
 * of one hub per core at once, each hub's driver spawning and joining its share (the table's
 * "all hubs" column).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class SleepersBench {

    /** Sleeping greenlets (or virtual threads) per invocation. */
    public static final int COUNT = 100_000;
    private static final Runnable SLEEP = () -> Gevent.sleep(0.1);

    private Hub hub;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hub.current();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hub.close();
    }

    @Benchmark
    public List<Greenlet<?>> sleepers() {
        return Gevent.spawn(() -> SpawnJoinBench.spawnAndJoin(COUNT, SLEEP)).get();
    }

    @Benchmark
    public List<List<Greenlet<?>>> sleepersOnHubs(AllHubs hubs) {
        return hubs.driveEach(COUNT, share -> SpawnJoinBench.spawnAndJoin(share, SLEEP));
    }

    @Benchmark
    public Thread[] sleepers_jdk() throws InterruptedException {
        Thread[] all = new Thread[COUNT];
        Thread driver = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < COUNT; i++) {
                    all[i] = Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                for (Thread t : all) {
                    t.join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        driver.join();
        return all;
    }
}
