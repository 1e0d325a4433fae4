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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Spawning and joining {@link #COUNT} green threads whose body is empty; the score is per
 * greenlet. {@code spawnJoin}: a driver greenlet {@link Gevent#spawn(Runnable)}s each, then
 * {@link Gevent#joinAll}s them (peer: {@code gevent.spawn} then {@code gevent.joinall});
 * the main greenlet (the JMH thread) only joins the driver, so the carrier hand-off that
 * wakes it is paid once per invocation. {@code spawnJoin_jdk}: the same shape with virtual
 * threads of the JDK's default scheduler: a driver virtual thread does
 * {@code Thread.ofVirtual().start} each, then {@code join} each.
 * {@code spawnJoinFromMain}: the main greenlet itself spawns each and joins them all, as a
 * plain {@code main} does (one carrier hand-off per invocation too); peer: the JMH thread
 * starts and joins the virtual threads. {@code spawnJoinOnHubs}: {@code spawnJoin} on every
 * hub of a {@link io.gevent4j.hub.HubGroup} of one hub per core at once, each hub's driver
 * spawning and joining its share of the greenlets: what the JDK's default scheduler does with
 * its one carrier per core (the table's "all hubs" column).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class SpawnJoinBench {

    /** Greenlets (or virtual threads) per invocation. */
    public static final int COUNT = 100_000;
    private static final Runnable EMPTY = () -> { };

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
    @OperationsPerInvocation(COUNT)
    public List<Greenlet<?>> spawnJoin() {
        return Gevent.spawn(() -> spawnAndJoin(COUNT, EMPTY)).get();
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public List<List<Greenlet<?>>> spawnJoinOnHubs(AllHubs hubs) {
        return hubs.driveEach(COUNT, share -> spawnAndJoin(share, EMPTY));
    }

    /** What a driver greenlet does: spawns {@code count} greenlets running {@code body}, then joins them all. */
    static List<Greenlet<?>> spawnAndJoin(int count, Runnable body) {
        List<Greenlet<?>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(Gevent.spawn(body));
        }
        return Gevent.joinAll(all);
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public Thread[] spawnJoin_jdk() throws InterruptedException {
        Thread[] all = new Thread[COUNT];
        Thread driver = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < COUNT; i++) {
                all[i] = Thread.ofVirtual().start(EMPTY);
            }
            try {
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

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public List<Greenlet<?>> spawnJoinFromMain() {
        List<Greenlet<?>> all = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            all.add(Gevent.spawn(EMPTY));
        }
        return Gevent.joinAll(all);
    }

    @Benchmark
    @OperationsPerInvocation(COUNT)
    public Thread[] spawnJoinFromMain_jdk() throws InterruptedException {
        Thread[] all = new Thread[COUNT];
        for (int i = 0; i < COUNT; i++) {
            all[i] = Thread.ofVirtual().start(EMPTY);
        }
        for (Thread t : all) {
            t.join();
        }
        return all;
    }
}
