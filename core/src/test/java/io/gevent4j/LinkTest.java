package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
