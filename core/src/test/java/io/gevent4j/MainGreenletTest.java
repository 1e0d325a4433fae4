package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.Waiter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A platform thread is its hub's main greenlet; a wait that can never end is LoopExit. */
class MainGreenletTest {

    @Test
    void aWaitThatNothingCanEndIsLoopExit() {
        run(() -> {
            Waiter<Object> nobodySwitchesThis = new Waiter<>();
            LoopExit e = assertThrows(LoopExit.class, nobodySwitchesThis::get);
            assertTrue(e.getMessage().contains("never end"), e.getMessage());
        });
    }

    @Test
    void joiningADeadlockedGreenletIsLoopExitNotAHang() {
        run(() -> {
            Waiter<Object> forgotten = new Waiter<>();
            Greenlet<Object> stuck = Gevent.spawn(forgotten::get);
            assertThrows(LoopExit.class, stuck::join);
            assertFalse(stuck.isDead());
        });
    }

    @Test
    void theMainGreenletTakesItsTurnBehindGreenletsWokenBeforeIt() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Waiter<Void> forGreenlet = new Waiter<>();
            Waiter<Void> forMain = new Waiter<>();
            Gevent.spawn(() -> {
                forGreenlet.get();
                log.add("woken first");
            });
            Gevent.spawn(() -> {
                forGreenlet.switchTo(null);
                forMain.switchTo(null);
            });
            forMain.get();
            log.add("main");
            assertEquals(List.of("woken first", "main"), log);
        });
    }

    @Test
    void aMainThreadWaitingInsideReenteredMonitorsStillRunsItsGreenlets() {
        run(() -> {
            Object outer = new Object();
            Object inner = new Object();
            Greenlet<String> g = Gevent.spawn(() -> {
                synchronized (inner) {
                    synchronized (inner) {
                        Gevent.sleep(0.01);
                        return "parked and resumed inside two monitors";
                    }
                }
            });
            synchronized (outer) {
                synchronized (outer) {
                    assertEquals("parked and resumed inside two monitors", g.get());
                }
            }
        });
    }

    @Test
    void greenletsRunOnTheHubsCarrierNotOnTheMainThread() {
        run(() -> {
            Hub hub = Hub.current();
            assertSame(Thread.currentThread(), hub.thread());
            Thread ranOn = Gevent.spawn(hub::loopThread).get();
            assertSame(hub.carrierThread(), ranOn);
            assertTrue(hub.carrierThread().isAlive());
            assertTrue(hub.carrierThread().isDaemon());
        });
    }

    @Test
    void whileNoGreenletNeedsToRunTheMainThreadRunsTheLoopItself() {
        run(() -> {
            Hub hub = Hub.current();
            List<Thread> ranOn = new ArrayList<>();
            var timer = hub.loop().timer(Duration.ofMillis(1));
            timer.start(() -> ranOn.add(Thread.currentThread()));
            hub.loop().runCallback(() -> ranOn.add(hub.loopThread()));
            Gevent.sleep(0.01);
            timer.close();
            assertEquals(List.of(hub.thread(), hub.thread()), ranOn);
            assertEquals(null, hub.loopThread());
            assertSame(hub.carrierThread(), Gevent.spawn(hub::loopThread).get());
        });
    }

    @Test
    void anInterruptOfTheMainThreadRunningTheLoopIsKeptForAfterItsWait() {
        run(() -> {
            Hub hub = Hub.current();
            Thread main = Thread.currentThread();
            Waiter<Void> woken = new Waiter<>();
            var waker = hub.loop().async();
            waker.start(() -> woken.switchTo(null));
            Thread interrupter = Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + FreshHub.LIMIT.toNanos() / 2;
                while (!hub.loop().isSleeping() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                main.interrupt();
                waker.send();
            });
            long iterations = hub.loop().iteration();
            woken.get();
            boolean kept = Thread.interrupted();
            interrupter.join();
            waker.close();
            assertTrue(kept, "the interrupt was lost");
            assertTrue(hub.loop().iteration() - iterations < 1_000,
                    "the loop spun on the interrupt: " + (hub.loop().iteration() - iterations) + " iterations");
        });
    }

    @Test
    void closingTheHubFromACallbackTheMainThreadRunsEndsItsGreenletsOnTheCarrier() {
        run(() -> {
            Hub hub = Hub.current();
            Greenlet<Void> parked = Gevent.spawn(() -> Gevent.sleep(60));
            Gevent.sleep(0);
            Thread.ofPlatform().start(() -> hub.runThreadsafe(hub::close)).join();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Gevent.sleep(60));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertTrue(parked.isDead());
        });
    }

    @Test
    void aGreenletParkedInAJdkCallIsNotLoopExit() {
        run(() -> {
            Greenlet<String> sleeper = Gevent.spawn(() -> {
                Thread.sleep(50);
                return "woke";
            });
            assertEquals("woke", sleeper.get());
        });
    }

    @Test
    void anUnreferencedTimerDoesNotKeepTheLoopAlive() {
        run(() -> {
            Hub hub = Hub.current();
            var timer = hub.loop().timer(Duration.ofSeconds(30));
            timer.start(() -> { });
            timer.unref();
            assertThrows(LoopExit.class, () -> new Waiter<>().get());
            timer.ref();
            assertTrue(timer.isActive());
            timer.close();
        });
    }

    @Test
    void eachPlatformThreadHasItsOwnHub() throws Exception {
        AtomicReference<Hub> first = new AtomicReference<>();
        AtomicReference<Hub> second = new AtomicReference<>();
        run(() -> first.set(Hub.current()));
        run(() -> second.set(Hub.current()));
        assertNotSame(first.get(), second.get());
        run(() -> assertSame(Hub.current(), Hub.current()));
    }

    @Test
    void usingAnotherHubsObjectIsAnIllegalStateExceptionThatSaysSo() {
        AtomicReference<Greenlet<Void>> foreign = new AtomicReference<>();
        AtomicReference<Waiter<Object>> foreignWaiter = new AtomicReference<>();
        run(() -> {
            foreign.set(Gevent.spawn(() -> { }));
            foreignWaiter.set(new Waiter<>());
            foreign.get().join();
        });
        run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> foreign.get().link(g -> { }));
            assertTrue(e.getMessage().contains("belongs to the hub"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> foreignWaiter.get().get());
            Greenlet<Throwable> inGreenlet = Gevent.spawn(() -> {
                try {
                    foreignWaiter.get().switchTo("x");
                    return null;
                } catch (IllegalStateException expected) {
                    return expected;
                }
            });
            assertTrue(inGreenlet.get() instanceof IllegalStateException);
        });
    }

    @Test
    void anotherThreadHandsWorkToAHubThroughItsThreadsafeEntry() throws Exception {
        run(() -> {
            Hub hub = Hub.current();
            Waiter<String> waiter = new Waiter<>();
            var keepAlive = hub.loop().async();
            keepAlive.start(() -> { });
            Thread.ofPlatform().start(() -> hub.loop().runCallbackThreadsafe(() -> waiter.switchTo("from afar")));
            assertEquals("from afar", waiter.get());
            keepAlive.close();
        });
    }

    @Test
    void virtualThreadsForkedInAGreenletStayOnItsHub() {
        run(() -> {
            Thread hubThread = Thread.currentThread();
            Greenlet<List<Object>> g = Gevent.spawn(() -> {
                List<Object> seen = new ArrayList<>();
                Thread child = Thread.ofVirtual().start(() -> {
                    seen.add(Hub.current().thread());
                    Gevent.sleep(0.001);
                    seen.add("slept cooperatively");
                });
                child.join();
                return seen;
            });
            assertEquals(List.of(hubThread, "slept cooperatively"), g.get());
        });
    }

    @Test
    void aVirtualThreadOfTheDefaultSchedulerIsToldItHasNoHub() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                Gevent.sleep(0);
            } catch (Throwable t) {
                failure.set(t);
            }
        }).join();
        assertTrue(failure.get() instanceof IllegalStateException);
        assertTrue(failure.get().getMessage().contains("default scheduler"), failure.get().getMessage());
    }
}
