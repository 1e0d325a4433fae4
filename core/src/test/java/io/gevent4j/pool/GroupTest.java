package io.gevent4j.pool;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.AsyncResult;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gevent's Group: a set of greenlets joined, killed and mapped over as a whole. */
class GroupTest {

    @Test
    void membersLeaveWhenTheyDieAndJoinReturnsWhetherAllFinished() {
        FreshHub.run(() -> {
            Group group = new Group();
            Greenlet<Void> quick = group.spawn(() -> Gevent.sleep(0.001));
            Greenlet<Void> slow = group.spawn(() -> Gevent.sleep(0.2));
            assertEquals(2, group.size());
            assertTrue(group.contains(quick));
            quick.join();
            Gevent.sleep(0);
            assertFalse(group.contains(quick));
            assertFalse(group.join(Duration.ofMillis(5)));
            assertTrue(group.join(Duration.ofSeconds(30)));
            assertTrue(slow.isDead());
            assertEquals(0, group.size());
            assertTrue(group.join(Duration.ZERO));
        });
    }

    @Test
    void addAndDiscard() {
        FreshHub.run(() -> {
            Group group = new Group();
            Greenlet<Void> g = new Greenlet<Void>(() -> Gevent.sleep(0.01));
            group.add(g);
            group.add(g);
            assertEquals(1, group.size());
            group.discard(g);
            assertEquals(0, group.size());
            g.start().join();
            assertTrue(group.join(Duration.ZERO));
            group.discard(g);
        });
    }

    @Test
    void killKillsEveryMemberAndWaits() {
        FreshHub.run(() -> {
            Group group = new Group();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                gs.add(group.spawn(() -> Gevent.sleep(60)));
            }
            Gevent.sleep(0);
            group.kill();
            assertEquals(0, group.size());
            for (Greenlet<Void> g : gs) {
                assertTrue(g.killed());
            }
        });
    }

    @Test
    void killOneKillsOnlyAMember() {
        FreshHub.run(() -> {
            Group group = new Group();
            Greenlet<Void> member = group.spawn(() -> Gevent.sleep(60));
            Greenlet<Void> outsider = Gevent.spawn(() -> Gevent.sleep(60));
            Gevent.sleep(0);
            group.killOne(outsider);
            assertFalse(outsider.isDead());
            group.killOne(member);
            assertTrue(member.killed());
            outsider.kill();
        });
    }

    @Test
    void aGroupIsNeverFull() {
        FreshHub.run(() -> {
            Group group = new Group();
            assertFalse(group.full());
            assertEquals(Integer.MAX_VALUE, group.freeCount());
            assertEquals(Integer.MAX_VALUE, group.waitAvailable(Duration.ofSeconds(1)));
        });
    }

    @Test
    void applyRunsInAMemberAndRethrows() {
        FreshHub.run(() -> {
            Group group = new Group();
            assertEquals(6, group.apply(() -> 2 * 3));
            Gevent.getHub().setErrorHandler((ctx, t) -> { });
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> group.apply(() -> {
                throw boom;
            })));
        });
    }

    @Test
    void applyFromInsideTheGroupRunsInline() {
        FreshHub.run(() -> {
            Group group = new Group();
            Greenlet<Boolean> outer = group.spawn(() -> {
                Greenlet<?> self = Gevent.getCurrent();
                return group.apply(() -> Gevent.getCurrent() == self);
            });
            assertTrue(outer.get());
        });
    }

    @Test
    void applyAsyncReturnsAResultAndCallsBack() {
        FreshHub.run(() -> {
            Group group = new Group();
            List<Integer> calledBack = new ArrayList<>();
            AsyncResult<Integer> r = group.applyAsync(() -> 21 * 2, calledBack::add);
            assertFalse(r.ready());
            assertEquals(42, r.get());
            Gevent.sleep(0);
            assertEquals(List.of(42), calledBack);
        });
    }

    @Test
    void mapReturnsResultsInInputOrder() {
        FreshHub.run(() -> {
            Group group = new Group();
            List<Integer> out = group.map(i -> {
                Gevent.sleep(0.001 * (5 - i));
                return i * i;
            }, List.of(1, 2, 3, 4));
            assertEquals(List.of(1, 4, 9, 16), out);
        });
    }

    @Test
    void imapUnorderedYieldsInCompletionOrder() {
        FreshHub.run(() -> {
            Group group = new Group();
            List<Integer> out = new ArrayList<>();
            for (int r : group.imapUnordered((Integer i) -> {
                Gevent.sleep(0.01 * i);
                return i;
            }, List.of(3, 1, 2))) {
                out.add(r);
            }
            assertEquals(List.of(1, 2, 3), out);
        });
    }

    @Test
    void everyMethodOffTheHubThrowsIllegalState() {
        FreshHub.run(() -> {
            Group group = new Group();
            List<Runnable> calls = List.of(
                    group::freeCount,
                    group::full,
                    () -> group.imap((Integer i) -> i, List.of(1)),
                    () -> group.imapUnordered((Integer i) -> i, List.of(1)),
                    () -> group.map((Integer i) -> i, List.of(1)));
            List<Throwable> thrown = new ArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (Runnable call : calls) {
                    try {
                        call.run();
                        thrown.add(null);
                    } catch (Throwable x) {
                        thrown.add(x);
                    }
                }
            });
            t.join();
            assertEquals(calls.size(), thrown.size());
            for (Throwable x : thrown) {
                assertTrue(x instanceof IllegalStateException, String.valueOf(x));
            }
            assertEquals(0, group.size());
        });
    }

    @Test
    void anImapReadOffTheHubThrowsIllegalStateAndLosesNothing() {
        FreshHub.run(() -> {
            Group group = new Group();
            IMap<Integer> it = group.imap((Integer i) -> i * 10, List.of(1, 2));
            assertTrue(it.hasNext());
            Throwable[] thrown = {null, null};
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    it.hasNext();
                } catch (Throwable x) {
                    thrown[0] = x;
                }
                try {
                    it.next();
                } catch (Throwable x) {
                    thrown[1] = x;
                }
            });
            t.join();
            assertTrue(thrown[0] instanceof IllegalStateException, String.valueOf(thrown[0]));
            assertTrue(thrown[1] instanceof IllegalStateException, String.valueOf(thrown[1]));
            assertEquals(List.of(10, 20), List.of(it.next(), it.next()));
            assertFalse(it.hasNext());
        });
    }
}
