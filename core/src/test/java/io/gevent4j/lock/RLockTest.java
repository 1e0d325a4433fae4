package io.gevent4j.lock;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.Timeout;
import io.gevent4j.event.Event;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's RLock: reentrant, owned by a greenlet, a java.util.concurrent.locks.Lock. */
class RLockTest {

    @Test
    void countsReentriesPerOwningGreenlet() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            assertTrue(lock.acquire());
            assertTrue(lock.acquire());
            assertEquals(2, lock.holdCount());
            Greenlet<Boolean> other = Gevent.spawn(() -> lock.acquire(Duration.ofMillis(5)));
            assertFalse(other.get());
            lock.release();
            assertTrue(lock.locked());
            Greenlet<Boolean> stillOut = Gevent.spawn(() -> lock.tryLock());
            assertFalse(stillOut.get());
            lock.release();
            assertFalse(lock.locked());
            Greenlet<Boolean> now = Gevent.spawn(() -> {
                boolean got = lock.acquire(Duration.ofSeconds(5));
                lock.release();
                return got;
            });
            assertTrue(now.get());
        });
    }

    @Test
    void releaseByAnotherGreenletThrows() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            Greenlet<Void> intruder = Gevent.spawn(lock::release);
            intruder.join();
            assertTrue(intruder.exception() instanceof IllegalStateException);
            assertTrue(lock.isOwned());
            lock.release();
            assertThrows(IllegalStateException.class, lock::release);
        });
    }

    @Test
    void excludesGreenletsOfOneHubAndServesThemFifo() {
        FreshHub.run(() -> {
            Lock lock = new RLock();
            List<String> log = new ArrayList<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                gs.add(Gevent.spawn(() -> {
                    lock.lock();
                    try {
                        log.add(name + " in");
                        Gevent.sleep(0.001);
                        log.add(name + " out");
                    } finally {
                        lock.unlock();
                    }
                }));
            }
            Gevent.joinAll(gs);
            assertEquals(List.of("a in", "a out", "b in", "b out", "c in", "c out"), log);
        });
    }

    @Test
    void worksInTryWithResourcesAndAsALock() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            try (var held = lock.acquired()) {
                try (var again = lock.acquired()) {
                    assertEquals(2, lock.holdCount());
                }
                assertEquals(1, lock.holdCount());
            }
            assertFalse(lock.locked());
            assertTrue(lock.tryLock(1, TimeUnit.MILLISECONDS));
            lock.unlock();
            assertThrows(UnsupportedOperationException.class, lock::newCondition);
        });
    }

    @Test
    void lockInterruptiblyRaisesAKillThatInterruptedTheGreenletBeforeIt() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            Event go = new Event();
            List<String> log = new ArrayList<>();
            Greenlet<Void> victim = Gevent.spawn(() -> {
                go.await();
                try {
                    lock.lockInterruptibly();
                    log.add("locked");
                } catch (InterruptedException e) {
                    log.add("interrupted");
                }
            });
            Gevent.sleep(0);
            go.set();
            victim.kill(new GreenletExit(), true, Duration.ofSeconds(20));
            assertTrue(victim.killed(), "the kill is raised by lockInterruptibly: " + victim);
            assertEquals(List.of(), log);
            assertFalse(lock.locked());
        });
    }

    @Test
    void lockInterruptiblyRaisesAKillThatArrivesWhileItWaits() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            Greenlet<Void> victim = Gevent.spawn(() -> {
                try {
                    lock.lockInterruptibly();
                } catch (InterruptedException e) {
                    throw new AssertionError("the kill became an InterruptedException", e);
                }
            });
            Gevent.sleep(0);
            victim.kill(new GreenletExit(), true, Duration.ofSeconds(20));
            assertTrue(victim.killed(), "killed where it waits: " + victim);
            assertFalse(Thread.interrupted());
            lock.release();
            assertFalse(lock.locked());
        });
    }

    @Test
    void lockInterruptiblyThrowsForAnInterruptTheUserSet() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            Greenlet<Boolean> g = Gevent.spawn(() -> {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, lock::lockInterruptibly);
                return lock.locked();
            });
            assertFalse(g.get());
        });
    }

    @Test
    void lockInterruptiblyEndsOnAnInterruptArrivingWhileItWaits() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            Greenlet<String> waiter = Gevent.spawn(() -> {
                try {
                    lock.lockInterruptibly();
                    return "locked";
                } catch (InterruptedException e) {
                    return "interrupted, status " + Thread.currentThread().isInterrupted();
                }
            });
            Gevent.sleep(0);
            waiter.thread().interrupt();
            assertTrue(waiter.join(Duration.ofSeconds(20)), "the interrupt ended the wait");
            assertEquals("interrupted, status false", waiter.get());
            assertTrue(lock.isOwned());
            lock.release();
            assertTrue(Gevent.spawn(() -> lock.tryLock()).get(), "the interrupted waiter left the queue");
        });
    }

    @Test
    void tryLockWithATimeEndsOnAnInterruptFromAnotherThread() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            Greenlet<String> waiter = Gevent.spawn(() -> {
                try {
                    return "locked " + lock.tryLock(1, TimeUnit.HOURS);
                } catch (InterruptedException e) {
                    return "interrupted";
                }
            });
            Gevent.sleep(0);
            Thread interrupter = Thread.ofPlatform().start(() -> waiter.thread().interrupt());
            assertTrue(waiter.join(Duration.ofSeconds(20)), "the interrupt ended the wait");
            assertEquals("interrupted", waiter.get());
            interrupter.join();
            lock.release();
            Greenlet<Boolean> next = Gevent.spawn(() -> lock.tryLock(20, TimeUnit.SECONDS));
            assertTrue(next.get(), "the lock is free for the next one: nothing was lost");
        });
    }

    @Test
    void lockInterruptiblyKeepsALockGrantedBeforeTheInterrupt() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            Greenlet<String> waiter = Gevent.spawn(() -> {
                try {
                    lock.lockInterruptibly();
                } catch (InterruptedException e) {
                    return "interrupted";
                }
                boolean status = Thread.interrupted();
                lock.unlock();
                return "locked, status " + status;
            });
            Gevent.sleep(0);
            lock.release();
            waiter.thread().interrupt();
            assertEquals("locked, status true", waiter.get());
            assertFalse(lock.locked());
        });
    }

    @Test
    void tryLockWithATimeReturnsFalseOnExpiry() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            Greenlet<Boolean> waiter = Gevent.spawn(() -> lock.tryLock(1, TimeUnit.MILLISECONDS));
            assertFalse(waiter.get());
            assertTrue(lock.isOwned());
        });
    }

    @Test
    void lockInterruptiblyOnTheMainGreenletEndsOnAnInterruptFromAGreenlet() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            Event release = new Event();
            Greenlet<Void> holder = Gevent.spawn(() -> {
                lock.acquire();
                release.await();
                lock.release();
            });
            Gevent.sleep(0);
            Thread main = Thread.currentThread();
            Gevent.spawn(main::interrupt);
            try (Timeout bound = Timeout.start(Duration.ofSeconds(20))) {
                assertThrows(InterruptedException.class, lock::lockInterruptibly);
            }
            assertFalse(Thread.interrupted(), "the status is cleared");
            assertFalse(lock.isOwned());
            release.set();
            holder.join();
            assertTrue(lock.tryLock(), "the interrupted main greenlet left the queue");
            lock.unlock();
        });
    }

    @Test
    void tryLockOnTheMainGreenletEndsOnAnInterruptFromAnotherThread() {
        FreshHub.run(() -> {
            RLock lock = new RLock();
            Event release = new Event();
            Thread main = Thread.currentThread();
            Thread[] interrupter = new Thread[1];
            Greenlet<Void> holder = Gevent.spawn(() -> {
                lock.acquire();
                release.await();
                lock.release();
            });
            Gevent.sleep(0);
            Gevent.spawn(() -> interrupter[0] = Thread.ofPlatform().start(main::interrupt)); // runs once main waits
            try (Timeout bound = Timeout.start(Duration.ofSeconds(20))) {
                assertThrows(InterruptedException.class, () -> lock.tryLock(1, TimeUnit.HOURS));
            }
            interrupter[0].join();
            release.set();
            holder.join();
            assertFalse(lock.locked());
        });
    }
}
