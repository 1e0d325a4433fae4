package io.gevent4j.bench.core;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ping-pong between two green threads: the cost of one switch, i.e. one hand-off of control
 * (and a value) from one to the other. Every invocation makes {@link #ROUNDS} round trips,
 * two switches each; the score is per switch.
 *
 * <ul>
 *   <li>{@code rawSwitch}: a driver greenlet and a raw greenlet calling
 *       {@link RawGreenlet#switchTo} on each other, the cheapest primitive (gevent's peer:
 *       {@code greenlet.switch}).</li>
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
 *   <li>{@code mainWake}: the main greenlet (here the JMH thread, the hub's owner) calls
 *       {@code Gevent.sleep(0)}: with no greenlet to run, the owner thread turns the loop
 *       itself and is woken by its own callback, no OS-thread hand-off. No peer.</li>
 *   <li>{@code mainJoin}: the main greenlet spawns an empty greenlet and joins it. Greenlets
 *       run only on the hub's carrier thread, so the turn goes to the carrier and comes back:
 *       two OS-thread hand-offs, what every platform thread pays when a greenlet wakes it.</li>
 *   <li>{@code mainJoin_jdk}: a platform thread starts an empty virtual thread of the JDK's
 *       default scheduler and joins it: the same two hand-offs between OS threads.</li>
 *   <li>{@code mainGetFromOtherHub}: the main greenlet gets the result of a greenlet it
 *       spawned on another hub (of a {@link HubGroup}): the task goes to that hub's thread
 *       and the result comes back through this hub's inbox, two hand-offs between OS
 *       threads, each waking a loop that sleeps for want of work.</li>
 *   <li>{@code mainGetFromOtherHub_jdk}: a platform thread submits a task to a
 *       single-thread {@link ExecutorService} and gets its {@code Future}: the same two
 *       hand-offs.</li>
 * </ul>
 *
 * <p>The hub is the JMH worker thread's own (a platform thread, so {@link Hub#current()}).
 * Both sides of every ping-pong are greenlets on the hub's carrier, started per invocation;
 * the main greenlet only starts them and joins, so it is woken once per invocation (one
 * carrier hand-off, about 10 µs, against the {@code 2 × ROUNDS} switches measured). The
 * JDK's virtual threads are likewise started per invocation and joined by the JMH thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class SwitchBench {

    /** Round trips per invocation. */
    public static final int ROUNDS = 10_000;
    private static final Object STOP = new Object();

    private Hub hub;
    private HubGroup otherHubs;
    private Hub otherHub;
    private ExecutorService otherThread;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hub.current();
        otherHubs = HubGroup.start(1);
        otherHub = otherHubs.next();
        otherThread = Executors.newSingleThreadExecutor();
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
        otherThread.close();
        otherHubs.close();
        hub.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public Object rawSwitch() {
        return Gevent.spawn(() -> {
            RawGreenlet driver = RawGreenlet.current();
            RawGreenlet other = new RawGreenlet(arg -> {
                Object v = arg;
                while (v != STOP) {
                    v = driver.switchTo(v);
                }
                return null;
            });
            Object last = null;
            for (int i = 0; i < ROUNDS; i++) {
                last = other.switchTo(i);
            }
            other.switchTo(STOP);
            return last;
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void waiter() {
        Waiter<Void> toA = new Waiter<>(hub);
        Waiter<Void> toB = new Waiter<>(hub);
        Greenlet<Void> a = Gevent.spawn(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                toB.switchTo(null);
                toA.get();
                toA.clear();
            }
        });
        Greenlet<Void> b = Gevent.spawn(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                toB.get();
                toB.clear();
                toA.switchTo(null);
            }
        });
        Gevent.joinAll(a, b);
    }

    @Benchmark
    public void mainWake() {
        Gevent.sleep(0);
    }

    @Benchmark
    public void mainJoin() {
        Gevent.spawn(() -> { }).join();
    }

    @Benchmark
    public void mainJoin_jdk() throws InterruptedException {
        Thread.ofVirtual().start(() -> { }).join();
    }

    @Benchmark
    public Object mainGetFromOtherHub() {
        return Gevent.spawnOn(otherHub, () -> STOP).get();
    }

    @Benchmark
    public Object mainGetFromOtherHub_jdk() throws Exception {
        return otherThread.submit(() -> STOP).get();
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
