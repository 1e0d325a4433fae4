package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** {@link HubGroup}: its hubs, round robin, tasks as greenlets on the hubs, close. */
class HubGroupTest {

    private static final long LIMIT_S = FreshHub.LIMIT.toSeconds();

    @Test
    void startsDistinctHubsOnTheirOwnThreadsAndHandsThemOutRoundRobin() {
        try (HubGroup group = HubGroup.start(3)) {
            assertEquals(3, group.size());
            List<Hub> hubs = group.hubs();
            assertEquals(3, new HashSet<>(hubs).size());
            Set<Thread> threads = new HashSet<>();
            for (Hub hub : hubs) {
                assertFalse(hub.isClosed());
                assertFalse(hub.isCurrent());
                threads.add(hub.thread());
            }
            assertEquals(3, threads.size());
            for (int round = 0; round < 2; round++) {
                for (Hub hub : hubs) {
                    assertSame(hub, group.next());
                }
            }
        }
    }

    @Test
    void closeStopsEveryHubAndItsThreadAndRejectsLaterTasks() {
        HubGroup group = HubGroup.start(2);
        List<Hub> hubs = group.hubs();
        group.close();
        group.close();
        assertTrue(group.isClosed());
        for (Hub hub : hubs) {
            assertTrue(hub.isClosed());
            assertFalse(hub.thread().isAlive());
        }
        assertThrows(RejectedExecutionException.class, () -> group.execute(() -> { }));
        assertThrows(IllegalArgumentException.class, () -> HubGroup.start(0));
    }

    @Test
    void closeEndsTheGreenletsStillBlockedOnItsHubsWithoutReportingAnError() throws Exception {
        HubGroup group = HubGroup.start(2);
        AtomicReference<Throwable> reported = new AtomicReference<>();
        for (Hub hub : group.hubs()) {
            hub.setErrorHandler((context, error) -> reported.set(error));
        }
        CountDownLatch blocked = new CountDownLatch(2);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        group.execute(() -> {
            blocked.countDown();
            try {
                Gevent.sleep(60);
            } catch (Throwable t) {
                ended.set(t);
                throw t;
            }
        });
        io.gevent4j.Greenlet<Void> spawned = Gevent.spawnOn(group.hubs().get(1), () -> {
            blocked.countDown();
            Gevent.sleep(60);
            return null;
        });
        assertTrue(blocked.await(LIMIT_S, TimeUnit.SECONDS));
        group.close();
        assertInstanceOf(java.util.concurrent.CancellationException.class, ended.get());
        assertTrue(spawned.killed(), "the spawned greenlet was killed: " + spawned);
        assertNull(reported.get(), "ending them is not an error");
    }

    @Test
    void executeRunsEachTaskAsAGreenletOfTheNextHub() throws Exception {
        int tasks = 3_000;
        try (HubGroup group = HubGroup.start(3)) {
            Map<Hub, AtomicInteger> perHub = new ConcurrentHashMap<>();
            AtomicInteger notGreenlets = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(tasks);
            for (int i = 0; i < tasks; i++) {
                group.execute(() -> {
                    Gevent.sleep(0);
                    Hub hub = Hub.current();
                    if (!Thread.currentThread().isVirtual() || RawGreenlet.current().isMain()) {
                        notGreenlets.incrementAndGet();
                    }
                    perHub.computeIfAbsent(hub, h -> new AtomicInteger()).incrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(LIMIT_S, TimeUnit.SECONDS));
            assertEquals(0, notGreenlets.get());
            assertEquals(Set.copyOf(group.hubs()), perHub.keySet());
            for (AtomicInteger n : perHub.values()) {
                assertEquals(tasks / 3, n.get());
            }
        }
    }

    @Test
    void aTaskThatThrowsIsReportedByItsHub() throws Exception {
        try (HubGroup group = HubGroup.start(1)) {
            AtomicReference<Throwable> reported = new AtomicReference<>();
            CountDownLatch seen = new CountDownLatch(1);
            group.hubs().get(0).setErrorHandler((context, error) -> {
                reported.set(error);
                seen.countDown();
            });
            IllegalStateException boom = new IllegalStateException("boom");
            group.execute(() -> {
                throw boom;
            });
            assertTrue(seen.await(LIMIT_S, TimeUnit.SECONDS));
            assertSame(boom, reported.get());
        }
    }

    @Test
    void runThreadsafeRunsOnTheHubsThreadInOrder() throws Exception {
        try (HubGroup group = HubGroup.start(1)) {
            Hub hub = group.hubs().get(0);
            StringBuffer order = new StringBuffer();
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < 5; i++) {
                int n = i;
                hub.runThreadsafe(() -> {
                    assertTrue(hub.isCurrent());
                    order.append(n);
                });
            }
            hub.runThreadsafe(done::countDown);
            assertTrue(done.await(LIMIT_S, TimeUnit.SECONDS));
            assertEquals("01234", order.toString());
        }
    }

    @Test
    void closeFromOneOfItsOwnHubsIsRefused() throws Exception {
        try (HubGroup group = HubGroup.start(1)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            group.execute(() -> {
                try {
                    group.close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
                done.countDown();
            });
            assertTrue(done.await(LIMIT_S, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, thrown.get());
            assertFalse(group.isClosed());
        }
    }

    @Test
    void startInterruptedStopsTheHubsItStartedAndKeepsTheInterrupt() {
        Set<Thread> before = groupHubThreads();
        Thread.currentThread().interrupt();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HubGroup.start(3));
        assertTrue(Thread.interrupted(), "the interrupt status is kept for the caller");
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        Set<Thread> left = groupHubThreads();
        left.removeAll(before);
        assertEquals(Set.of(), left, "the hubs it started are stopped and their threads ended");
    }

    /** The live threads of groups' hubs ({@code gevent4j-group<g>-hub<i>}). */
    private static Set<Thread> groupHubThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("gevent4j-group") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }
}
