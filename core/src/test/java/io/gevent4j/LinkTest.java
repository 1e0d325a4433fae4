package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Links run in the order added, from the hub, also when added after the end. */
class LinkTest {

    @Test
    void linksRunInOrderFromTheHubAfterTheEnd() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> {
                log.add("body");
                return 1;
            });
            for (int i = 0; i < 5; i++) {
                int n = i;
                g.link(x -> {
                    assertTrue(x.ready());
                    assertFalse(RawGreenlet.current() == x, "links run from the hub, not in the greenlet");
                    log.add("link" + n);
                });
            }
            g.join();
            Gevent.sleep(0);
            assertEquals(List.of("body", "link0", "link1", "link2", "link3", "link4"), log);
        });
    }

    @Test
    void aLinkAddedAfterTheEndStillFires() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.join();
            g.link(x -> log.add("late"));
            assertTrue(log.isEmpty(), "links never run inside link()");
            Gevent.sleep(0);
            assertEquals(List.of("late"), log);
        });
    }

    @Test
    void linkValueAndLinkExceptionFireOnlyForTheirOutcome() {
        run(() -> {
            Hub.current().setErrorHandler((c, t) -> { });
            List<String> log = new ArrayList<>();
            Greenlet<Integer> ok = Gevent.spawn(() -> 1);
            Greenlet<Integer> bad = Gevent.spawn(() -> {
                throw new IllegalStateException();
            });
            for (Greenlet<Integer> g : List.of(ok, bad)) {
                String who = g == ok ? "ok" : "bad";
                g.linkValue(x -> log.add(who + ":value"));
                g.linkException(x -> log.add(who + ":exception"));
            }
            Gevent.joinAll(ok, bad);
            Gevent.sleep(0);
            assertEquals(List.of("ok:value", "bad:exception"), log);
        });
    }

    @Test
    void aKilledGreenletFiresValueLinks() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.linkValue(x -> log.add("value"));
            g.linkException(x -> log.add("exception"));
            g.kill();
            Gevent.sleep(0);
            assertEquals(List.of("value"), log);
        });
    }

    @Test
    void unlinkRemovesALink() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            Consumer<Greenlet<Integer>> gone = x -> log.add("gone");
            g.link(gone);
            g.link(x -> log.add("kept"));
            assertTrue(g.unlink(gone));
            assertFalse(g.unlink(gone));
            g.join();
            Gevent.sleep(0);
            assertEquals(List.of("kept"), log);
        });
    }

    @Test
    void aFailingLinkIsReportedAndTheOthersStillRun() {
        run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((c, t) -> reported.add(t));
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.link(x -> {
                throw new IllegalStateException("link failed");
            });
            g.link(x -> log.add("second"));
            g.join();
            Gevent.sleep(0);
            assertEquals(List.of("second"), log);
            assertEquals(1, reported.size());
        });
    }

    @Test
    void aLinkMustNotBlock() {
        run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((c, t) -> reported.add(t));
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.link(x -> Gevent.sleep(0.01));
            g.join();
            Gevent.sleep(0);
            assertEquals(1, reported.size());
            assertThrows(IllegalStateException.class, () -> {
                throw reported.get(0);
            });
        });
    }

    @Test
    void rawLinksAndLinksRunInTheOrderAdded() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.rawLink(() -> log.add("raw1"));
            g.link(x -> log.add("link"));
            g.rawLink(() -> log.add("raw2"));
            g.join();
            Gevent.sleep(0);
            assertEquals(List.of("raw1", "link", "raw2"), log);
        });
    }

    @Test
    void anUnlinkedFirstRawLinkNeverRunsEvenWhenRemovedAfterTheEnd() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Runnable first = () -> log.add("first");
            Runnable removedAfterEnd = () -> log.add("removed after the end");
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.rawLink(first);
            assertTrue(g.unlinkRaw(first));
            assertFalse(g.unlinkRaw(first));
            g.rawLink(removedAfterEnd);
            // g ends and queues its notifier; this greenlet runs before the notifier does
            Greenlet<Boolean> remover = Gevent.spawn(() -> g.unlinkRaw(removedAfterEnd));
            assertTrue(remover.get());
            Gevent.sleep(0);
            assertTrue(log.isEmpty(), log.toString());
        });
    }

    @Test
    void theGreenletAFirstRawLinkWakesRunsRightAfterTheNotification() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Boolean> g = new Greenlet<>(() -> log.add("g"));
            Greenlet<Void> waiter = Gevent.spawn(() -> {
                Gevent.joinAll(List.of(g));
                log.add("waiter");
            });
            g.start();
            Greenlet<Void> other = Gevent.spawn(() -> {
                log.add("other");
                Gevent.spawn(() -> log.add("spawned after the end"));
            });
            Gevent.joinAll(List.of(waiter, other));
            Gevent.sleep(0);
            assertEquals(List.of("g", "other", "waiter", "spawned after the end"), log);
        });
    }

    @Test
    void aFirstRawLinkOfAGreenletKilledBeforeItRanRunsFromTheHub() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.rawLink(() -> log.add("link"));
            g.kill(new GreenletExit(), false, null);
            assertTrue(g.isDead());
            assertTrue(log.isEmpty(), "links never run inside kill()");
            Gevent.sleep(0);
            assertEquals(List.of("link"), log);
        });
    }

    @Test
    void aFailingFirstRawLinkIsReportedToTheHub() {
        run(() -> {
            List<Object> reported = new ArrayList<>();
            Runnable failing = () -> {
                throw new IllegalStateException("raw link failed");
            };
            Hub.current().setErrorHandler((context, error) -> reported.add(context));
            Greenlet<Integer> g = Gevent.spawn(() -> 1);
            g.rawLink(failing);
            g.join();
            Gevent.sleep(0);
            assertEquals(List.of(failing), reported);
        });
    }
    /**
     * A greenlet closes its hub while another greenlet's end has queued the notifier of its
     * first raw link: the close drops that notifier, as it drops a linkable's, instead of
     * failing with a ClassCastException.
     */
    @Test
    void aHubClosedWhileAFirstRawLinkIsQueuedClosesCleanly() throws InterruptedException {
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        AtomicBoolean closed = new AtomicBoolean();
        Thread owner = Thread.ofPlatform().daemon().start(() -> {
            Hub hub = Hub.current();
            Greenlet<Integer> linked = Gevent.spawn(() -> 1);
            linked.rawLink(() -> { });
            Greenlet<Void> closer = Gevent.spawn(() -> {
                try {
                    hub.close();
                    closed.set(hub.isClosed());
                } catch (Throwable t) {
                    closeFailure.set(t);
                }
                return null;
            });
            try {
                closer.join();
            } catch (IllegalStateException closedUnderTheMainGreenlet) {
                // documented: the owner's wait ends when a greenlet closes its hub
            }
            hub.close();
        });
        owner.join(FreshHub.LIMIT.toMillis());
        assertFalse(owner.isAlive(), "the hub's owner ends");
        assertNull(closeFailure.get(), "close() does not throw");
        assertTrue(closed.get());
    }
}
