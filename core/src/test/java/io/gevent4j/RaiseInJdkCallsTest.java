package io.gevent4j;

import io.gevent4j.event.Event;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill and Timeout meeting JDK blocking calls ({@code Thread.sleep}, {@code ReentrantLock},
 * {@code java.net.Socket}): never lost whatever state the greenlet is in, the interrupt
 * gevent4j caused never outlives its exception or its Timeout, a user's interrupt is kept,
 * and a kill the JDK turned into its own exception still ends the greenlet as killed.
 * Orderings are set up with gevent4j waits and CPU spins, never by timing a JDK call.
 */
class RaiseInJdkCallsTest {

    private static final long ONE_HOUR = 3_600_000;
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** Runs on the hub's thread without blocking until {@code duration} has passed. */
    private static void spin(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aKillOfAGreenletWokenAndStillQueuedInterruptsItsNextJdkCall() {
        run(() -> {
            Event go = new Event();
            List<String> log = new ArrayList<>();
            Greenlet<Void> victim = Gevent.spawn(() -> {
                go.await();
                try {
                    Thread.sleep(ONE_HOUR);
                    log.add("slept");
                } catch (InterruptedException e) {
                    log.add("interrupted");
                }
                Gevent.sleep(0);
                log.add("survived");
            });
            Gevent.sleep(0);
            go.set();
            victim.kill(new GreenletExit(), true, BOUND);
            assertTrue(victim.killed(), "killed while runnable in the ready queue: " + victim);
            assertEquals(List.of("interrupted"), log);
        });
    }

    @Test
    void aKillAGreenletRaisesInItselfReachesItsNextJdkCall() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Void> self = Gevent.spawn(() -> {
                Greenlet.current().kill(new GreenletExit(), false, null);
                try {
                    Thread.sleep(ONE_HOUR);
                    log.add("slept");
                } catch (InterruptedException e) {
                    log.add("interrupted");
                }
                Gevent.sleep(0);
                log.add("survived");
            });
            assertTrue(self.join(BOUND));
            assertTrue(self.killed());
            assertEquals(List.of("interrupted"), log);
        });
    }

    @Test
    void aTimeoutFiringWhileTheGreenletIsQueuedIsNotLost() {
        run(() -> {
            Event go = new Event();
            List<String> log = new ArrayList<>();
            Greenlet<Void> victim = Gevent.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                    go.await();
                    Thread.sleep(ONE_HOUR);
                    log.add("slept");
                } catch (InterruptedException e) {
                    log.add("interrupted");
                }
                log.add(Thread.currentThread().isInterrupted() ? "status left set" : "status clear");
            });
            Gevent.spawn(() -> {
                go.set();
                spin(Duration.ofMillis(60)); // the victim is queued when its timer expires
            });
            assertTrue(victim.join(BOUND));
            assertEquals(List.of("interrupted", "status clear"), log);
        });
    }

    @Test
    void aTimeoutThatClosedASocketLeavesTheNextSocketOfTheGreenletHealthy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket silent = server.accept(); Socket answering = server.accept()) {
                    answering.getInputStream().read();
                    OutputStream out = answering.getOutputStream();
                    out.write('!');
                    out.flush();
                    silent.getInputStream().read();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            run(() -> {
                Greenlet<List<String>> client = Gevent.spawn(() -> {
                    List<String> log = new ArrayList<>();
                    int port = server.getLocalPort();
                    try (Socket c1 = new Socket(InetAddress.getLoopbackAddress(), port);
                         Socket c2 = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        try (Timeout t = Timeout.start(Duration.ofMillis(50))) {
                            c1.getInputStream().read();
                            log.add("c1 answered");
                        } catch (SocketException e) {
                            log.add("c1: " + e.getMessage());
                        }
                        c2.getOutputStream().write('?');
                        InputStream in = c2.getInputStream();
                        log.add("c2 read " + (char) in.read());
                    }
                    return log;
                });
                assertEquals(List.of("c1: Closed by interrupt", "c2 read !"), client.get());
            });
            peer.join();
        }
    }

    @Test
    void aClosedTimeoutClearsTheInterruptALibraryReasserted() {
        run(() -> {
            Greenlet<List<String>> g = Gevent.spawn(() -> {
                List<String> log = new ArrayList<>();
                try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                    try {
                        Thread.sleep(ONE_HOUR);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // as HikariCP does before throwing SQLException
                        throw new IllegalStateException("library failure", e);
                    }
                } catch (IllegalStateException e) {
                    log.add(e.getMessage());
                }
                log.add(Thread.currentThread().isInterrupted() ? "status left set" : "status clear");
                Thread.sleep(1);
                log.add("next sleep completed");
                return log;
            });
            assertEquals(List.of("library failure", "status clear", "next sleep completed"), g.get());
        });
    }

    @Test
    void aTimeoutCancelledByAnotherGreenletLeavesItsInterruptToTheTargetsNextGeventCall() {
        run(() -> {
            ReentrantLock lock = new ReentrantLock();
            Event fired = new Event();
            Timeout[] timeout = new Timeout[1];
            Greenlet<Void> canceller = Gevent.spawn(() -> {
                lock.lock();
                fired.await();
                timeout[0].cancel();
                lock.unlock();
            });
            Greenlet<List<String>> target = Gevent.spawn(() -> {
                List<String> log = new ArrayList<>();
                timeout[0] = Timeout.start(Duration.ofMillis(10));
                try {
                    Thread.sleep(ONE_HOUR);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // re-asserted, as HikariCP does
                }
                fired.set();
                lock.lock(); // the canceller runs meanwhile
                lock.unlock();
                log.add(Thread.currentThread().isInterrupted() ? "set after the cancel" : "clear after the cancel");
                Gevent.sleep(0);
                log.add(Thread.currentThread().isInterrupted() ? "set after sleep(0)" : "clear after sleep(0)");
                Thread.sleep(1);
                log.add("next sleep completed");
                return log;
            });
            assertEquals(List.of("set after the cancel", "clear after sleep(0)", "next sleep completed"), target.get());
            assertTrue(canceller.join(BOUND));
        });
    }

    @Test
    void anInterruptTheUserSetSurvivesATimeoutAndAKill() {
        run(() -> {
            Greenlet<List<String>> timedOut = Gevent.spawn(() -> {
                List<String> log = new ArrayList<>();
                Thread.currentThread().interrupt();
                try (Timeout t = Timeout.start(Duration.ofMillis(10))) {
                    Gevent.sleep(30.0);
                } catch (Timeout e) {
                    log.add("timed out");
                }
                log.add(Thread.interrupted() ? "user's interrupt kept" : "user's interrupt lost");
                return log;
            });
            assertEquals(List.of("timed out", "user's interrupt kept"), timedOut.get());

            boolean[] kept = {false};
            Greenlet<Void> killed = Gevent.spawn(() -> {
                Thread.currentThread().interrupt();
                try {
                    Gevent.sleep(30.0);
                } finally {
                    kept[0] = Thread.currentThread().isInterrupted();
                }
            });
            Gevent.sleep(0);
            killed.kill();
            assertTrue(killed.killed());
            assertTrue(kept[0], "a kill does not clear an interrupt the user set before it");
        });
    }

    @Test
    void aKillTheJdkTurnedIntoItsOwnExceptionEndsTheRetryLoopAtItsNextTimeout() {
        run(() -> {
            int[] attempts = {0};
            int[] ticks = {0};
            Greenlet<Void> ticker = Gevent.spawn(() -> {
                while (ticks[0] < 1_000_000) {
                    ticks[0]++;
                    Gevent.sleep(0.001);
                }
            });
            Greenlet<Void> worker = Gevent.spawn(() -> {
                while (true) {
                    try (Timeout t = Timeout.start(Duration.ofSeconds(30))) {
                        attempts[0]++;
                        Thread.sleep(ONE_HOUR);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException | Timeout e) {
                        // a careless retry loop
                    }
                }
            });
            Gevent.sleep(0.01);
            int ticksBefore = ticks[0];
            worker.kill(new GreenletExit(), true, BOUND);
            assertTrue(worker.killed(), "the retry loop ended at its next Timeout.start: " + worker);
            assertEquals(1, attempts[0], "the kill surfaced at the next Timeout.start, before a second attempt");
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (ticks[0] <= ticksBefore && System.nanoTime() - deadline < 0) {
                Gevent.sleep(0.01);
            }
            assertTrue(ticks[0] > ticksBefore, "the hub kept running its other greenlets");
            ticker.kill();
        });
    }

    @Test
    void aKillPendingWhenTheBodyEndsByAnExceptionIsItsOutcomeAndAReturnKeepsItsValue() {
        run(() -> {
            Greenlet<Void> failing = Gevent.spawn(() -> {
                try {
                    Thread.sleep(ONE_HOUR);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("the driver's exception", e);
                }
            });
            Greenlet<String> returning = Gevent.spawn(() -> {
                try {
                    Thread.sleep(ONE_HOUR);
                } catch (InterruptedException swallowed) {
                    return "swallowed the interrupt";
                }
                return "slept";
            });
            Gevent.sleep(0);
            failing.kill();
            returning.kill();
            assertTrue(failing.killed());
            assertTrue(failing.successful());
            assertNull(failing.exception());
            assertFalse(returning.killed());
            assertEquals("swallowed the interrupt", returning.value());
        });
    }

    @Test
    void aKillDuringReentrantLockLockSurfacesAfterTheLockIsTakenAndTheQueuedTimeoutIsWithdrawn() {
        run(() -> {
            ReentrantLock lock = new ReentrantLock();
            List<String> log = new ArrayList<>();
            lock.lock();
            Greenlet<Void> victim = Gevent.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                    lock.lock();
                    try {
                        log.add("locked");
                        Gevent.sleep(0);
                        log.add("survived");
                    } finally {
                        lock.unlock();
                    }
                }
            });
            Gevent.sleep(0);
            victim.kill(new GreenletExit(), false, null);
            Gevent.sleep(0.05); // the victim's Timeout fires too, queued behind the kill
            assertFalse(victim.isDead(), "lock() ignores interrupts");
            lock.unlock();
            assertTrue(victim.join(BOUND));
            assertTrue(victim.killed(), "the kill surfaced, not the Timeout: " + victim);
            assertEquals(List.of("locked"), log);
        });
    }
}
