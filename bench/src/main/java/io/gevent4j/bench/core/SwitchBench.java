package io.gevent4j.bench.core;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Waiter;

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

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ping-pong between two green threads: the cost of one switch, i.e. one hand-off of control
 * (and a value) from one to the other. Every invocation makes {@link #ROUNDS} round trips,
 * two switches each; the score is per switch.
 *
 * <ul>
 *   <li>{@code rawSwitch}: two raw greenlets calling {@link RawGreenlet#switchTo} on each
 *       other, the cheapest primitive (gevent's peer: {@code greenlet.switch}).</li>
 *   <li>{@code waiter}: two spawned greenlets waking each other through a {@link Waiter}
 *       each, the primitive every gevent4j object blocks on (peer: a gevent Event set/wait).</li>
 *   <li>{@code rawSwitch_jdk}: two virtual threads of the JDK's default scheduler handing a
 *       turn flag over with {@link LockSupport#unpark}/{@link LockSupport#park}: direct
 *       control transfer to a named thread, as a raw switch is.</li>
 *   <li>{@code waiter_jdk}: the same through two {@link SynchronousQueue}s, the JDK's
 *       blocking hand-off of a value, as a Waiter is.</li>
 *   <li>{@code rawSwitch_floor}: the floor of any switch between greenlets that are virtual
 *       threads: two virtual threads whose scheduler is a bare FIFO run by the benchmark
 *       thread, handing a turn over with park/unpark. No hub, no loop, no bookkeeping: what
 *       is left is the JDK's unmount, yield, mount and continuation run.</li>
 * </ul>
 *
 * <p>The hub is the JMH worker thread's own (a platform thread, so {@link Hub#current()});
 * its main greenlet starts each invocation and drives the loop while the two greenlets
 * ping-pong. The greenlets live for the whole trial; the JDK's virtual threads are started
 * per invocation (about 1 µs against the {@code 2 × ROUNDS} switches measured).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
public class SwitchBench {

    /** Round trips per invocation. */
    public static final int ROUNDS = 10_000;
    private static final Object STOP = new Object();

    private Hub hub;
    private RawGreenlet rawA;
    private RawGreenlet rawB;
    private Waiter<Integer> start;
    private Waiter<Void> done;
    private Waiter<Void> toA;
    private Waiter<Void> toB;
    private Greenlet<Void> waiterA;
    private Greenlet<Void> waiterB;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hub.current();
        RawGreenlet main = RawGreenlet.current();
        rawB = new RawGreenlet(arg -> {
            Object v = arg;
            while (v != STOP) {
                v = rawA.switchTo(v);
            }
            return null;
        });
        rawA = new RawGreenlet(arg -> {
            Object v = arg;
            while (v != STOP) {
                int rounds = (Integer) v;
                for (int i = 0; i < rounds; i++) {
                    rawB.switchTo(i);
                }
                v = main.switchTo(null);
            }
            return null;
        });

        start = new Waiter<>(hub);
        done = new Waiter<>(hub);
        toA = new Waiter<>(hub);
        toB = new Waiter<>(hub);
        waiterA = Gevent.spawn(() -> {
            while (true) {
                int rounds = start.get();
                start.clear();
                for (int i = 0; i < rounds; i++) {
                    toB.switchTo(null);
                    toA.get();
                    toA.clear();
                }
                done.switchTo(null);
            }
        });
        waiterB = Gevent.spawn(() -> {
            while (true) {
                toB.get();
                toB.clear();
                toA.switchTo(null);
            }
        });
    }

    @Setup(Level.Iteration)
    public void checkThread() {
        if (Hub.current() != hub) {
            throw new IllegalStateException("JMH moved the benchmark to another thread; the hub belongs to "
                    + hub.thread());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (!rawB.isDead() && rawB.thread() != null) {
            rawB.switchTo(STOP);
        }
        if (!rawA.isDead() && rawA.thread() != null) {
            rawA.switchTo(STOP);
        }
        waiterA.kill();
        waiterB.kill();
        hub.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void rawSwitch() {
        rawA.switchTo(ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void waiter() {
        start.switchTo(ROUNDS);
        done.get();
        done.clear();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void rawSwitch_jdk() throws InterruptedException {
        ParkPingPong p = new ParkPingPong();
        Thread b = Thread.ofVirtual().unstarted(p::b);
        p.b = b;
        Thread a = Thread.ofVirtual().unstarted(p::a);
        p.a = a;
        a.start();
        b.start();
        a.join();
        b.join();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void waiter_jdk() throws InterruptedException {
        SynchronousQueue<Integer> ab = new SynchronousQueue<>();
        SynchronousQueue<Integer> ba = new SynchronousQueue<>();
        Thread a = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ab.put(i);
                    ba.take();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread b = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ba.put(ab.take());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        a.join();
        b.join();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void rawSwitch_floor() {
        InlineScheduler scheduler = new InlineScheduler();
        Thread.Builder.OfVirtual builder = scheduler.builder();
        ParkPingPong p = new ParkPingPong();
        Thread b = builder.unstarted(p::b);
        p.b = b;
        Thread a = builder.unstarted(p::a);
        p.a = a;
        a.start();
        b.start();
        scheduler.runAll();
        if (a.isAlive() || b.isAlive()) {
            throw new IllegalStateException("ping-pong did not finish");
        }
    }

    /**
     * The least a scheduler of virtual threads can be: a FIFO of continuations that the
     * thread calling {@link #runAll()} runs in turn. Single-threaded: only that thread and
     * the virtual threads it runs may submit.
     */
    private static final class InlineScheduler implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        Thread.Builder.OfVirtual builder() {
            try {
                var ctor = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                        .getDeclaredConstructor(Executor.class);
                ctor.setAccessible(true);
                return (Thread.Builder.OfVirtual) ctor.newInstance(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("needs --add-opens=java.base/java.lang=ALL-UNNAMED", e);
            }
        }

        @Override
        public void execute(Runnable task) {
            tasks.addLast(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.pollFirst()) != null) {
                task.run();
            }
        }
    }

    /** Two virtual threads passing a turn back and forth with park/unpark. */
    private static final class ParkPingPong {
        volatile Thread a;
        volatile Thread b;
        volatile boolean bTurn;

        void a() {
            for (int i = 0; i < ROUNDS; i++) {
                bTurn = true;
                LockSupport.unpark(b);
                while (bTurn) {
                    LockSupport.park(this);
                }
            }
        }

        void b() {
            for (int i = 0; i < ROUNDS; i++) {
                while (!bTurn) {
                    LockSupport.park(this);
                }
                bTurn = false;
                LockSupport.unpark(a);
            }
        }
    }
}
