package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.pool.Group;
import io.gevent4j.pool.Pool;
import io.gevent4j.socket.StreamSocket;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamServerTest {

    static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** The seed's echo handler: lines through the socket's stream view. */
    static void echo(StreamSocket socket, SocketAddress address) throws IOException {
        var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            socket.sendAll((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * Asserts that the process gets back to {@code expected} open descriptors within 10 s: a
     * closed channel's descriptor is released when the selector it is registered in next
     * polls (NIO's rule), so the loop must run first; a leak never gets there.
     */
    static void assertOpenFds(long expected) throws IOException {
        long start = System.nanoTime();
        long now;
        while ((now = openFds()) != expected && FreshHub.secondsSince(start) < 10) {
            Gevent.sleep(0.01);
        }
        assertEquals(expected, now, "open file descriptors");
    }

    /** Waits, at most 10 s, until {@code counter[0]} reaches {@code value}; fails if it does not. */
    static void awaitCount(int[] counter, int value) {
        long start = System.nanoTime();
        while (counter[0] < value && FreshHub.secondsSince(start) < 10) {
            Gevent.sleep(0.005);
        }
        assertEquals(value, counter[0]);
    }

    /**
     * A connection to a closed server is refused, or reset unserved: NIO releases a registered
     * channel's descriptor when the loop next polls, and a connection that lands in the
     * listening socket's backlog before that is reset then.
     */
    static void assertNeverServed(SocketAddress address) throws IOException {
        try (StreamSocket late = StreamSocket.open(address)) {
            late.setTimeout(Duration.ofSeconds(10));
            late.sendAll("anyone there?\n".getBytes(StandardCharsets.UTF_8));
            try {
                assertEquals(-1, late.read(ByteBuffer.allocate(1)), "nothing served after close");
            } catch (SocketException reset) {
                assertTrue(reset.getMessage().contains("reset"), reset.toString());
            }
        } catch (ConnectException refused) {
            assertTrue(refused.getMessage().contains("refused"), refused.toString());
        }
    }

    @Test
    void lifecycleFromNewToStartedToClosed() {
        FreshHub.run(() -> {
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo);
            assertFalse(server.isStarted());
            assertFalse(server.isClosed());
            assertEquals(ANY_LOOPBACK_PORT, server.address(), "the requested address until started");
            assertNull(server.group());

            assertTrue(server == server.start());
            assertTrue(server.isStarted());
            InetSocketAddress bound = (InetSocketAddress) server.address();
            assertNotEquals(0, bound.getPort(), "port 0 resolved");
            assertThrows(IllegalStateException.class, server::start);
            assertThrows(IllegalStateException.class, () -> server.maxConcurrency(3));
            assertThrows(IllegalStateException.class, () -> server.backlog(3));
            try (LineClient c = new LineClient(bound)) {
                assertEquals("hello", c.call("hello"));
                assertEquals("again", c.call("again"));
            }

            server.close();
            assertTrue(server.isClosed());
            assertFalse(server.isStarted());
            assertEquals(bound, server.address(), "the bound address stays known");
            assertNeverServed(bound);
            assertThrows(IllegalStateException.class, server::start, "a closed server stays closed");
            server.close();
        });
    }

    @Test
    void serveForeverReturnsOnceAHandlerClosesTheServer() {
        FreshHub.run(() -> {
            StreamServer[] server = new StreamServer[1];
            server[0] = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                socket.sendAll("bye\n".getBytes(StandardCharsets.UTF_8));
                server[0].close();
            });
            Greenlet<String> client = Gevent.spawn(() -> {
                while (!server[0].isStarted()) {
                    Gevent.sleep(0.001);
                }
                try (LineClient c = new LineClient(server[0].address())) {
                    return c.readLine();
                }
            });
            server[0].serveForever();
            assertTrue(server[0].isClosed());
            assertEquals("bye", client.get());
        });
    }

    @Test
    void gracefulStopFinishesRunningHandlersAndLeavesNothingBehind() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int greenletsBefore = hub.greenletCount();
            long fdsBefore = openFds();
            Event release = new Event();
            int[] finished = {0};
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line = in.readLine();
                release.await();
                socket.sendAll(("done " + line + "\n").getBytes(StandardCharsets.UTF_8));
                finished[0]++;
            }).start();
            SocketAddress address = server.address();
            List<LineClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                LineClient c = new LineClient(address);
                c.send("n" + i);
                clients.add(c);
            }
            while (server.group().size() < 20) {
                Gevent.sleep(0.001);
            }
            Greenlet<Void> stopper = Gevent.spawn(() -> server.stop(Duration.ofSeconds(30)));
            Gevent.sleep(0.01);
            assertTrue(server.isClosed(), "stop closes at once");
            assertFalse(stopper.ready(), "stop waits for the running handlers");
            assertNeverServed(address);
            release.set();
            stopper.get();
            assertEquals(20, finished[0], "every accepted connection was served");
            for (int i = 0; i < 20; i++) {
                assertEquals("done n" + i, clients.get(i).readLine());
                assertNull(clients.get(i).readLine(), "the server closed the connection");
                clients.get(i).close();
            }
            assertEquals(greenletsBefore, hub.greenletCount(), "no greenlet left");
            assertOpenFds(fdsBefore);
        });
    }

    @Test
    void stopKillsHandlersThatOutlastTheTimeout() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int greenletsBefore = hub.greenletCount();
            List<Throwable> ends = new ArrayList<>();
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                try {
                    socket.getInputStream().read();
                } catch (Throwable t) {
                    ends.add(t);
                    throw t;
                }
            }).start();
            hub.setErrorHandler((context, error) -> ends.add(error));
            try (LineClient c = new LineClient(server.address())) {
                while (server.group().size() < 1) {
                    Gevent.sleep(0.001);
                }
                server.stop(Duration.ofMillis(20));
                assertEquals(1, ends.size(), "the handler was killed, and that is not reported: " + ends);
                assertTrue(ends.get(0) instanceof GreenletExit, ends.toString());
                assertNull(c.readLine(), "its connection closed");
            }
            assertEquals(greenletsBefore, hub.greenletCount());
        });
    }

    @Test
    void fullPoolPausesAcceptingUntilAHandlerEnds() {
        FreshHub.run(() -> {
            Event release = new Event();
            int[] running = {0};
            int[] most = {0};
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                running[0]++;
                most[0] = Math.max(most[0], running[0]);
                release.await();
                socket.sendAll("served\n".getBytes(StandardCharsets.UTF_8));
                running[0]--;
            }).maxConcurrency(2).start();
            assertTrue(server.group() instanceof Pool pool && pool.capacity() == 2);
            List<LineClient> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(new LineClient(server.address()));
            }
            awaitCount(running, 2);
            Gevent.sleep(0.2);
            assertEquals(2, running[0], "two handlers run, the other connections wait in the backlog");
            release.set();
            for (LineClient c : clients) {
                assertEquals("served", c.readLine());
                c.close();
            }
            assertEquals(2, most[0], "never more than two at once");
            server.stop();
        });
    }

    /** A handler killed before it ran (here by its group, at once) still has its connection closed. */
    @Test
    void aHandlerKilledBeforeItRanHasItsConnectionClosed() {
        FreshHub.run(() -> {
            Group killsAtOnce = new Group() {
                @Override
                public <T> Greenlet<T> start(Greenlet<T> greenlet) {
                    super.start(greenlet);
                    greenlet.kill(new GreenletExit(), false, null);
                    return greenlet;
                }
            };
            int[] ran = {0};
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> ran[0]++)
                    .spawnIn(killsAtOnce).start();
            try (LineClient c = new LineClient(server.address())) {
                assertNull(c.readLine(), "the connection its killed handler never served was closed");
            }
            assertEquals(0, ran[0], "the handler never ran");
            server.stop();
        });
    }

    /**
     * A handler killed after it was spawned and before it ran (by a greenlet queued ahead of
     * it) has its connection closed by the kill: nothing else would, its body never runs.
     */
    @Test
    void aHandlerKilledWhileScheduledHasItsConnectionClosed() {
        FreshHub.run(() -> {
            List<Greenlet<?>> killers = new ArrayList<>();
            Group killedBeforeTheyRun = new Group() {
                @Override
                public <T> Greenlet<T> start(Greenlet<T> greenlet) {
                    killers.add(Gevent.spawn(() -> greenlet.kill(new GreenletExit(), false, null)));
                    return super.start(greenlet);
                }
            };
            int[] ran = {0};
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> ran[0]++)
                    .spawnIn(killedBeforeTheyRun).start();
            try (LineClient c = new LineClient(server.address())) {
                assertNull(c.readLine(), "the connection its killed handler never served was closed");
            }
            assertEquals(0, ran[0], "the handler never ran");
            assertEquals(1, killers.size());
            assertTrue(killers.getFirst().successful());
            server.stop();
        });
    }

    /**
     * A handler that its hub's close ended before it ran has its connection closed too: the
     * hub's close kills it, and that kill releases the connection.
     */
    @Test
    void aHandlerEndedByItsHubsCloseBeforeItRanHasItsConnectionClosed() throws Exception {
        int[] ran = {0};
        CompletableFuture<SocketAddress> address = new CompletableFuture<>();
        AtomicReference<Throwable> ownerSaw = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().name("closed-hub-owner").start(() -> {
            Hub hub = Hub.current();
            Group closesItsHub = new Group() {
                @Override
                public <T> Greenlet<T> start(Greenlet<T> greenlet) {
                    Gevent.spawn(hub::close); // queued ahead of the handler
                    return super.start(greenlet);
                }
            };
            try {
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, peer) -> ran[0]++)
                        .spawnIn(closesItsHub).start();
                address.complete(server.address());
                server.serveForever();
            } catch (Throwable t) {
                ownerSaw.set(t);
            } finally {
                hub.close();
            }
        });
        try (Socket client = new Socket()) {
            client.connect(address.get(FreshHub.LIMIT.toSeconds(), TimeUnit.SECONDS));
            client.setSoTimeout(10_000);
            assertEquals(-1, client.getInputStream().read(), "the connection its killed handler never served was closed");
        }
        owner.join(FreshHub.LIMIT.toMillis());
        assertFalse(owner.isAlive(), "the hub's owner ended");
        assertEquals(0, ran[0], "the handler never ran");
        assertNull(ownerSaw.get(), "serveForever ended when the hub closed");
    }

    @Test
    void aGivenPoolLimitsTheHandlers() {
        FreshHub.run(() -> {
            Pool pool = new Pool(1);
            Event release = new Event();
            int[] started = {0};
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                started[0]++;
                release.await();
            }).spawnIn(pool).start();
            assertTrue(server.group() == pool);
            LineClient a = new LineClient(server.address());
            LineClient b = new LineClient(server.address());
            awaitCount(started, 1);
            Gevent.sleep(0.1);
            assertEquals(1, started[0]);
            release.set();
            assertNull(a.readLine());
            assertNull(b.readLine());
            assertEquals(2, started[0]);
            a.close();
            b.close();
            server.stop();
        });
    }

    @Test
    void aFailingHandlerIsReportedOnceWithThePeerAndClosesOnlyItsConnection() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            List<String> reports = new ArrayList<>();
            hub.setErrorHandler((context, error) -> reports.add(context + " | " + error));
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("boom")) {
                        throw new IllegalStateException("bad input");
                    }
                    socket.sendAll((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }).start();
            try (LineClient good = new LineClient(server.address()); LineClient bad = new LineClient(server.address())) {
                assertEquals("one", good.call("one"));
                bad.send("boom");
                assertNull(bad.readLine(), "the failing handler's connection is closed");
                assertEquals("two", good.call("two"), "the other connection goes on");
                String badLocal = bad.socket.getLocalAddress().toString();
                assertEquals(1, reports.size(), reports.toString());
                assertTrue(reports.get(0).contains(badLocal), "the report names the peer: " + reports);
                assertTrue(reports.get(0).contains("bad input"), reports.toString());
            }
            try (LineClient after = new LineClient(server.address())) {
                assertEquals("three", after.call("three"), "the server keeps serving");
            }
            server.stop();
            assertEquals(1, reports.size(), reports.toString());
        });
    }

    @Test
    void stopFromAHandlerIsRefusedButCloseWorks() {
        FreshHub.run(() -> {
            AtomicReference<Throwable> refused = new AtomicReference<>();
            StreamServer[] server = new StreamServer[1];
            server[0] = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                try {
                    server[0].stop();
                } catch (IllegalStateException e) {
                    refused.set(e);
                }
                server[0].close();
            }).start();
            new LineClient(server[0].address()).close();
            server[0].serveForever();
            assertTrue(refused.get() != null && refused.get().getMessage().contains("call close()"));
        });
    }

    @Test
    void killingTheGreenletInServeForeverStopsTheServer() {
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            int greenletsBefore = hub.greenletCount();
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo).stopTimeout(Duration.ofMillis(10));
            Greenlet<Void> serving = Gevent.spawn(() -> {
                server.serveForever();
                return null;
            });
            while (!server.isStarted()) {
                Gevent.sleep(0.001);
            }
            try (LineClient c = new LineClient(server.address())) {
                assertEquals("up", c.call("up"));
                serving.kill();
                assertTrue(serving.killed());
                assertTrue(server.isClosed());
                assertNull(c.readLine(), "the stop killed the handler, which closed the connection");
            }
            assertEquals(greenletsBefore, hub.greenletCount());
        });
    }

    @Test
    void stoppingAServerThatNeverStartedLeavesItsGroupAlone() {
        FreshHub.run(() -> {
            Pool pool = new Pool(2);
            Greenlet<String> other = pool.spawn(() -> {
                Gevent.sleep(0.05);
                return "ran to its end";
            });
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo).spawnIn(pool);
            server.stop(Duration.ZERO);
            assertTrue(server.isClosed());
            assertEquals("ran to its end", other.get());
        });
    }

    @Test
    void otherThreadsAreRefused() {
        FreshHub.run(() -> {
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo).start();
            try (LineClient c = new LineClient(server.address())) {
                assertEquals("before", c.call("before"));
            }
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    server.close();
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            other.join();
            assertTrue(error.get() instanceof IllegalStateException, String.valueOf(error.get()));
            assertTrue(server.isStarted());
            try (LineClient c = new LineClient(server.address())) {
                assertEquals("after", c.call("after"), "the refused call changed nothing");
            }
            server.stop();
        });
    }

    @Test
    void badOptionsAreRefused() {
        FreshHub.run(() -> {
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, StreamServerTest::echo);
            assertThrows(IllegalArgumentException.class, () -> server.maxConcurrency(0));
            assertThrows(IllegalArgumentException.class, () -> server.backlog(0));
            assertThrows(IllegalArgumentException.class, () -> server.stopTimeout(Duration.ofSeconds(-1)));
            assertThrows(NullPointerException.class, () -> new StreamServer((SocketAddress) null, StreamServerTest::echo));
            try (var busy = io.gevent4j.socket.ListeningSocket.bind(ANY_LOOPBACK_PORT)) {
                StreamServer clash = new StreamServer(busy.getLocalAddress(), StreamServerTest::echo);
                assertThrows(IOException.class, clash::start);
                assertTrue(clash.isClosed(), "a failed start leaves the server closed");
            }
        });
    }

    @Test
    void servesOnAGivenListeningSocketAndOnAUnixSocket() {
        FreshHub.run(() -> {
            var listener = io.gevent4j.socket.ListeningSocket.bind(ANY_LOOPBACK_PORT);
            StreamServer tcp = new StreamServer(listener, StreamServerTest::echo);
            assertEquals(listener.getLocalAddress(), tcp.address());
            assertThrows(IllegalStateException.class, () -> tcp.backlog(5));
            tcp.start();
            try (LineClient c = new LineClient(tcp.address())) {
                assertEquals("tcp", c.call("tcp"));
            }
            tcp.stop();
            assertTrue(listener.isClosed(), "the server closed the socket it was given");

            Path dir = Files.createTempDirectory("gevent4j-server");
            UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
            StreamServer unix = new StreamServer(path, StreamServerTest::echo).start();
            try (LineClient c = new LineClient(path)) {
                assertEquals("unix", c.call("unix"));
            }
            unix.stop();
            Files.deleteIfExists(path.getPath());
            Files.delete(dir);
        });
    }
}
