package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The turn between a hub's owner thread (its main greenlet) and its carrier, which each side
 * waits for by spinning briefly, then parking: no hand-off is lost whether it comes back
 * within the spin or after it, an interrupt reaches the owner in either phase, and a carrier
 * that has no turn to wait for burns no CPU.
 */
class CarrierHandOffTest {

    /** Longer than {@link AdaptiveSpin#MAX_SPIN_NANOS}, so that some turns come back after the spin. */
    private static final long LONGEST_WORK_NANOS = 3 * AdaptiveSpin.MAX_SPIN_NANOS;

    private static void busyFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void everyJoinComesBackWhetherTheTurnReturnsWithinTheSpinOrAfterIt() {
        run(() -> {
            SplittableRandom random = new SplittableRandom(42);
            long sum = 0;
            long expected = 0;
            for (int i = 0; i < 5_000; i++) {
                int value = i;
                long greenletWork = random.nextInt(4) == 0 ? random.nextLong(LONGEST_WORK_NANOS) : 0;
                boolean yields = random.nextInt(8) == 0;
                Greenlet<Integer> g = Gevent.spawn(() -> {
                    busyFor(greenletWork);
                    if (yields) {
                        Gevent.sleep(0);
                    }
                    return value;
                });
                sum += g.get();
                expected += value;
                switch (random.nextInt(8)) {
                    case 0 -> busyFor(random.nextLong(LONGEST_WORK_NANOS));
                    case 1 -> LockSupport.parkNanos(random.nextLong(LONGEST_WORK_NANOS));
                    default -> { }
                }
            }
            assertEquals(expected, sum);
        });
    }

    @Test
    void anInterruptEndsTheOwnersInterruptibleWaitWhileTheCarrierHasTheTurn() {
        run(() -> {
            Hub hub = Hub.current();
            Thread main = Thread.currentThread();
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 200; i++) {
                Greenlet<Void> sleeper = Gevent.spawn(() -> Gevent.sleep(FreshHub.LIMIT.toSeconds()));
                long delay = random.nextLong(LONGEST_WORK_NANOS);
                Thread interrupter = Thread.ofPlatform().start(() -> {
                    long deadline = System.nanoTime() + FreshHub.LIMIT.toNanos() / 2;
                    while (hub.loopThread() != hub.carrierThread() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    busyFor(delay);
                    main.interrupt();
                });
                String outcome = new Waiter<String>().getWithinUntilInterrupted(null, "interrupted");
                boolean interrupted = Thread.interrupted();
                interrupter.join();
                assertEquals("interrupted", outcome, "round " + i);
                assertTrue(interrupted, "round " + i + ": the interrupt status is kept for the caller");
                assertFalse(sleeper.ready(), "round " + i + ": the carrier's greenlet still sleeps");
                sleeper.kill();
            }
        });
    }

    @Test
    void aCarrierWithoutATurnBurnsNoCpu() throws ReflectiveOperationException {
        // java.management by reflection: the tests compile inside the module io.gevent4j,
        // which does not read it, and run on the class path, where it is there
        Class<?> type = Class.forName("java.lang.management.ThreadMXBean");
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        if (!(boolean) type.getMethod("isThreadCpuTimeEnabled").invoke(threads)) {
            return;
        }
        Method cpuTime = type.getMethod("getThreadCpuTime", long.class);
        run(() -> {
            Hub hub = Hub.current();
            for (int i = 0; i < 1_000; i++) {
                Gevent.spawn(() -> { }).join();
            }
            long carrier = hub.carrierThread().threadId();
            long before = (long) cpuTime.invoke(threads, carrier);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            long used = (long) cpuTime.invoke(threads, carrier) - before;
            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(20),
                    "an idle carrier used " + used / 1_000 + " µs of CPU in 300 ms");
        });
    }
}
