package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's watchers: timers, prepare/check/idle, async, callbacks, io, ref/unref. */
class LoopTest {

    @Test
    void timersFireInDeadlineThenStartOrder() {
        run(() -> {
            Loop loop = Hub.current().loop();
            List<String> log = new ArrayList<>();
            Waiter<Void> done = new Waiter<>();
            // Deadlines count from each start, so only orders that no scheduling delay can
            // flip are asserted: a far timer started first, then ascending ones, then ties.
            TimerWatcher far = loop.timer(Duration.ofSeconds(30));
            far.start(() -> log.add("30s"));
            loop.timer(Duration.ZERO).start(() -> log.add("0ms"));
            loop.timer(Duration.ofMillis(5)).start(() -> log.add("5ms-a"));
            loop.timer(Duration.ofMillis(5)).start(() -> {
                log.add("5ms-b");
                done.switchTo(null);
            });
            done.get();
            assertEquals(List.of("0ms", "5ms-a", "5ms-b"), log);
            assertTrue(far.isActive());
            far.close();
        });
    }

    @Test
    void aRepeatingTimerFiresUntilStopped() {
        run(() -> {
            Loop loop = Hub.current().loop();
            int[] fired = {0};
            Waiter<Void> done = new Waiter<>();
            TimerWatcher t = loop.timer(Duration.ofMillis(1), Duration.ofMillis(1));
            t.start(() -> {
                if (++fired[0] == 5) {
                    done.switchTo(null);
                }
            });
            done.get();
            t.stop();
            assertFalse(t.isActive());
            Gevent.sleep(0.02);
            assertEquals(5, fired[0]);
        });
    }

    /**
     * A repeat interval so long that the next deadline wraps past {@code Long.MAX_VALUE} is
     * still in the future (deadlines compare by difference): the timer fires once, not at
     * every iteration of the loop as a deadline taken for one in the past would.
     */
    @Test
    void aRepeatIntervalWhoseDeadlineWrapsDoesNotFireAgainAtOnce() {
        run(() -> {
            Loop loop = Hub.current().loop();
            int[] fired = {0};
            TimerWatcher t = loop.timer(Duration.ofMillis(1), Duration.ofNanos(Long.MAX_VALUE));
            t.start(() -> fired[0]++);
            Gevent.sleep(0.1);
            t.close();
            assertEquals(1, fired[0]);
        });
    }

    @Test
    void aStoppedTimerDoesNotFireAndAPendingOneIsCleared() {
        run(() -> {
            Loop loop = Hub.current().loop();
            int[] fired = {0};
            TimerWatcher t = loop.timer(Duration.ofMillis(1));
            t.start(() -> fired[0]++);
            t.stop();
            Gevent.sleep(0.02);
            assertEquals(0, fired[0]);
            t.start(() -> fired[0]++);
            Gevent.sleep(0.02);
            assertEquals(1, fired[0]);
        });
    }

    @Test
    void prepareRunsBeforeAndCheckAfterEachPoll() {
        run(() -> {
            Loop loop = Hub.current().loop();
            List<String> log = new ArrayList<>();
            PrepareWatcher prepare = loop.prepare();
            CheckWatcher check = loop.check();
            prepare.start(() -> log.add("prepare"));
            check.start(() -> log.add("check"));
            TimerWatcher timer = loop.timer(Duration.ofMillis(1));
            timer.start(() -> log.add("timer"));
            Gevent.sleep(0.02);
            prepare.close();
            check.close();
            int firstTimer = log.indexOf("timer");
            assertTrue(firstTimer > 0);
            assertEquals("prepare", log.get(0));
            for (int i = 1; i < log.size(); i++) {
                String prev = log.get(i - 1);
                String cur = log.get(i);
                if (cur.equals("prepare")) {
                    assertTrue(prev.equals("check"), "a prepare follows the previous iteration's check: " + log);
                }
            }
        });
    }

    @Test
    void idleWatchersRunOnlyWhenNothingElseIsReady() {
        run(() -> {
            Loop loop = Hub.current().loop();
            List<String> log = new ArrayList<>();
            IdleWatcher idle = loop.idle();
            Waiter<Void> done = new Waiter<>();
            idle.start(() -> {
                log.add("idle");
                idle.stop();
                done.switchTo(null);
            });
            Greenlet<Void> busy = Gevent.spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    log.add("busy");
                    Gevent.sleep(0);
                }
            });
            done.get();
            busy.join();
            assertEquals(List.of("busy", "busy", "busy", "idle"), log);
        });
    }

    @Test
    void asyncSendFromAnotherThreadWakesTheLoopAndCoalesces() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            int[] calls = {0};
            Waiter<Void> done = new Waiter<>();
            AsyncWatcher async = loop.async();
            async.start(() -> {
                calls[0]++;
                done.switchTo(null);
            });
            Thread sender = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100; i++) {
                    async.send();
                }
            });
            done.get();
            sender.join();
            Gevent.sleep(0.01);
            assertTrue(calls[0] >= 1 && calls[0] <= 100, "sends coalesce: " + calls[0]);
            async.close();
        });
    }

    @Test
    void aCallbackCanBeCancelledBeforeItRuns() {
        run(() -> {
            Loop loop = Hub.current().loop();
            List<String> log = new ArrayList<>();
            CallbackWatcher cancelled = loop.runCallback(() -> log.add("cancelled"));
            loop.runCallback(() -> log.add("kept"));
            assertTrue(cancelled.isPending());
            cancelled.stop();
            Gevent.sleep(0);
            assertEquals(List.of("kept"), log);
        });
    }

    @Test
    void onlyTheLoopCanRunAQueuedCallback() {
        assertFalse(Runnable.class.isAssignableFrom(CallbackWatcher.class), "a caller cannot run it early");
        for (Method m : CallbackWatcher.class.getDeclaredMethods()) {
            assertFalse(Modifier.isPublic(m.getModifiers()), m + ": its public methods are those of every watcher");
        }
    }

    @Test
    void aFailingCallbackIsReportedAndTheLoopGoesOn() {
        run(() -> {
            Hub hub = Hub.current();
            List<Throwable> reported = new ArrayList<>();
            hub.setErrorHandler((c, t) -> reported.add(t));
            hub.loop().runCallback(() -> {
                throw new IllegalStateException("callback failed");
            });
            Gevent.sleep(0.01);
            assertEquals(1, reported.size());
            assertEquals("callback failed", reported.get(0).getMessage());
        });
    }

    @Test
    void anIoWatcherFiresWhenItsChannelIsReadable() throws Exception {
        run(() -> {
            Hub hub = Hub.current();
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress("127.0.0.1", 0));
                try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                     SocketChannel accepted = server.accept()) {
                    accepted.configureBlocking(false);
                    IoWatcher readable = hub.loop().io(accepted, SelectionKey.OP_READ);
                    IoWatcher writable = hub.loop().io(accepted, SelectionKey.OP_WRITE);
                    Greenlet<Void> writer = Gevent.spawn(() -> {
                        Gevent.sleep(0.01);
                        client.write(ByteBuffer.wrap(new byte[]{42}));
                        return null;
                    });
                    hub.await(writable);
                    assertEquals(SelectionKey.OP_WRITE, writable.readyOps());
                    hub.await(readable);
                    assertEquals(SelectionKey.OP_READ, readable.readyOps());
                    ByteBuffer buf = ByteBuffer.allocate(1);
                    assertEquals(1, accepted.read(buf));
                    assertEquals(42, buf.get(0));
                    writer.join();
                    readable.close();
                    writable.close();
                    assertFalse(readable.isActive());
                }
            }
        });
    }

    @Test
    void ioWatchersSharingOneChannelEachFireUntilStopped() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress("127.0.0.1", 0));
                try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                     SocketChannel accepted = server.accept()) {
                    accepted.configureBlocking(false);
                    client.write(ByteBuffer.wrap(new byte[]{42}));
                    int[] fired = new int[4];
                    List<IoWatcher> watchers = new ArrayList<>();
                    for (int i = 0; i < fired.length; i++) {
                        int n = i;
                        IoWatcher w = loop.io(accepted, SelectionKey.OP_READ);
                        w.start(() -> fired[n]++);
                        watchers.add(w);
                    }
                    Gevent.sleep(0.01);
                    for (int n : fired) {
                        assertTrue(n > 0, "every watcher of the readable channel fired");
                    }
                    watchers.get(0).stop();
                    watchers.get(2).stop();
                    java.util.Arrays.fill(fired, 0);
                    Gevent.sleep(0.01);
                    assertEquals(0, fired[0]);
                    assertEquals(0, fired[2]);
                    assertTrue(fired[1] > 0 && fired[3] > 0, "the watchers left started still fire");
                    List<Watcher> active = loop.activeWatchers();
                    assertTrue(active.contains(watchers.get(1)) && active.contains(watchers.get(3)));
                    assertFalse(active.contains(watchers.get(0)) || active.contains(watchers.get(2)));
                    watchers.forEach(IoWatcher::close);
                }
            }
        });
    }

    @Test
    void anIoWatcherNeedsANonBlockingChannelAndValidOps() throws Exception {
        run(() -> {
            try (SocketChannel blocking = SocketChannel.open()) {
                Loop loop = Hub.current().loop();
                assertThrows(IllegalArgumentException.class, () -> loop.io(blocking, SelectionKey.OP_READ));
                blocking.configureBlocking(false);
                assertThrows(IllegalArgumentException.class, () -> loop.io(blocking, SelectionKey.OP_ACCEPT));
            }
        });
    }

    @Test
    void watchersAreHubThreadOnly() throws Exception {
        run(() -> {
            Loop loop = Hub.current().loop();
            TimerWatcher timer = loop.timer(Duration.ofSeconds(1));
            Throwable[] failure = new Throwable[1];
            Thread.ofPlatform().start(() -> {
                try {
                    timer.start(() -> { });
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }).join();
            assertTrue(failure[0] instanceof IllegalStateException);
            assertFalse(timer.isActive());
        });
    }

    @Test
    void nowIsMonotonicAndUpdatedEachIteration() {
        run(() -> {
            Loop loop = Hub.current().loop();
            long before = loop.now();
            Gevent.sleep(0.005);
            assertTrue(loop.now() - before >= 5_000_000L);
            long cached = loop.now();
            loop.updateNow();
            assertTrue(loop.now() >= cached);
        });
    }
}
