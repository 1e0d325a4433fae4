package io.gevent4j.hub;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waiting layer itself: notification order, reservations, and what a leaving waiter passes on. */
class LinkableTest {

    @Test
    void oneItemWakesOneWaiterInOrderAndANewcomerQueuesBehindTheWaiters() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int[] items = {0};
            Readiness[] there = new Readiness[1];
            there[0] = Readiness.of(hub, false, () -> items[0] > there[0].reserved());
            List<String> took = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                Gevent.spawn(() -> {
                    there[0].await(null);
                    items[0]--;
                    took.add(name);
                    there[0].signal();
                });
            }
            Gevent.sleep(0);
            assertEquals(3, there[0].waiters());
            items[0] = 2;
            there[0].signal();
            assertFalse(there[0].canProceed(), "the items are promised to the waiters");
            Gevent.sleep(0);
            assertEquals(List.of("a", "b"), took, "one item per waiter, first come first served");
            assertEquals(1, there[0].waiters());
            assertEquals(0, there[0].reserved());
        });
    }

    @Test
    void aGreenletsSignalWakesTheWaiterAtOnceBehindTheGreenletsReadyBeforeIt() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int[] items = {0};
            Readiness[] there = new Readiness[1];
            there[0] = Readiness.of(hub, false, () -> items[0] > there[0].reserved());
            List<String> ran = new ArrayList<>();
            Greenlet<Boolean> waiter = Gevent.spawn(() -> {
                boolean got = there[0].await(null);
                ran.add("waiter");
                return got;
            });
            Gevent.sleep(0);
            Gevent.spawn(() -> {
                Gevent.spawn(() -> ran.add("ready before"));
                items[0] = 1;
                there[0].signal();
                ran.add("woken=" + there[0].reserved() + " waiting=" + there[0].waiters());
            }).join();
            assertTrue(waiter.get());
            assertEquals(List.of("woken=1 waiting=0", "ready before", "waiter"), ran,
                    "the signal itself woke the waiter, which ran behind the greenlet ready before it");
        });
    }

    @Test
    void aWaiterThatTimesOutOrIsKilledPassesWhatItWasWokenForToTheNext() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int[] items = {0};
            Readiness[] there = new Readiness[1];
            there[0] = Readiness.of(hub, false, () -> items[0] > there[0].reserved());
            Greenlet<Boolean> killed = Gevent.spawn(() -> there[0].await(null));
            Greenlet<Boolean> next = Gevent.spawn(() -> there[0].await(null));
            Gevent.sleep(0);
            items[0] = 1;
            there[0].signal();
            killed.kill();
            assertTrue(next.get(), "the item promised to the killed waiter went to the next");
            assertFalse(there[0].await(Duration.ofMillis(1)) && items[0] == 0);
        });
    }

    @Test
    void notifyAllRunsEveryLinkPresentEvenIfTheConditionPassesMeanwhile() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            boolean[] flag = {false};
            Readiness event = Readiness.of(hub, true, () -> flag[0]);
            List<String> ran = new ArrayList<>();
            event.rawLink(() -> {
                ran.add("first");
                flag[0] = false;
            });
            event.rawLink(() -> ran.add("second"));
            flag[0] = true;
            event.signal();
            Gevent.sleep(0);
            assertEquals(List.of("first", "second"), ran);
            Runnable never = () -> ran.add("never");
            event.rawLink(never);
            assertTrue(event.unlinkRaw(never));
            flag[0] = true;
            event.signal();
            Gevent.sleep(0);
            assertEquals(List.of("first", "second"), ran);
        });
    }
}
