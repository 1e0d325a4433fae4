package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.pool.Group;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TestCerts;
import io.gevent4j.socket.TlsSocket;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gevent4j.server.StreamServerTest.ANY_LOOPBACK_PORT;
import static io.gevent4j.server.StreamServerTest.assertNeverServed;
import static io.gevent4j.server.StreamServerTest.assertOpenFds;
import static io.gevent4j.server.StreamServerTest.openFds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link StreamServer} serving one address from the hubs of a {@link HubGroup}. */
class HubGroupServerTest {

    /** Answers each line with the name of the thread of the hub that serves the connection, checking it never changes. */
    static void hubEcho(StreamSocket socket, SocketAddress address) throws Exception {
        Hub hub = Hub.current();
        var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String where = Hub.current() == hub ? hub.thread().getName() : "moved";
            socket.sendAll((line + " " + where + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** How many greenlets {@code hub} runs, counted on that hub, without the counting one. */
    static int greenletsOn(Hub hub) {
        return Gevent.spawnOn(hub, () -> hub.greenletCount() - 1).get();
    }

    /** Asserts that no hub of {@code hubs} runs a greenlet (but the one counting): no receiver or handler left. */
    static void assertNoGreenletLeft(HubGroup hubs) {
        for (Hub hub : hubs.hubs()) {
            assertEquals(0, greenletsOn(hub), "no greenlet left on " + hub);
        }
    }

    @Test
    void connectionsAreSpreadRoundRobinAndEachStaysOnItsHub() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho)
                        .hubGroup(hubs).start();
                Set<String> hubNames = new HashSet<>();
                for (Hub hub : hubs.hubs()) {
                    hubNames.add(hub.thread().getName());
                }
                List<Greenlet<String>> clients = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    int n = i;
                    clients.add(Gevent.spawn(() -> {
                        try (LineClient c = new LineClient(server.address())) {
                            String first = c.call("a" + n).substring(("a" + n).length() + 1);
                            for (int round = 0; round < 5; round++) {
                                assertEquals("b" + n + " " + first, c.call("b" + n), "the connection stays on its hub");
                            }
                            return first;
                        }
                    }));
                }
                Set<String> served = new HashSet<>();
                int[] perHub = new int[2];
                for (Greenlet<String> c : clients) {
                    String hub = c.get();
                    assertTrue(hubNames.contains(hub), hub + " is a hub of the group");
                    served.add(hub);
                    perHub[hub.equals(hubs.hubs().get(0).thread().getName()) ? 0 : 1]++;
                }
                assertEquals(hubNames, served, "every hub served connections");
                assertEquals(20, perHub[0], "round robin: half of the connections on each hub");
                server.stop();
                assertNoGreenletLeft(hubs);
            });
        }
    }

    @Test
    void aStoppedServerHoldsNoGroupOnTheHubsAndTheNextServerOnThemWorks() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                for (int server = 0; server < 2; server++) {
                    StreamServer s = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho)
                            .hubGroup(hubs).start();
                    Set<String> served = new HashSet<>();
                    for (int i = 0; i < 4; i++) {
                        try (LineClient c = new LineClient(s.address())) {
                            served.add(c.call("x"));
                        }
                    }
                    assertEquals(2, served.size(), "both hubs served server " + server + ": " + served);
                    assertEquals(2, s.hubsWithHandlers(), "a group of handlers on each hub while serving");
                    s.stop();
                    assertEquals(0, s.hubsWithHandlers(), "the stopped server holds nothing on the hubs");
                }
            });
        }
    }

    @Test
    void noDescriptorThreadOrGreenletIsLeftOnceTheServerStopsAndTheGroupCloses() throws Exception {
        serveAndStop();
        long fdsBefore = openFds();
        serveAndStop();
        assertOpenFds(fdsBefore);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("gevent4j-group")),
                "no hub thread of a closed group is left");
    }

    /** A group of 2 hubs serving 10 connections, then the server stopped with handlers running, then the group closed. */
    private static void serveAndStop() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho)
                        .hubGroup(hubs).stopTimeout(Duration.ZERO).start();
                List<LineClient> clients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    LineClient c = new LineClient(server.address());
                    c.call("x");
                    clients.add(c);
                }
                server.stop();
                assertNoGreenletLeft(hubs);
                for (LineClient c : clients) {
                    c.close();
                }
            });
        }
    }

    @Test
    void stopEndsTheConnectionsOfEveryHubWithinTheStopTimeout() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                AtomicInteger killed = new AtomicInteger();
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                    try {
                        hubEcho(socket, address);
                    } catch (GreenletExit e) {
                        killed.incrementAndGet();
                        throw e;
                    }
                }).hubGroup(hubs).stopTimeout(Duration.ofMillis(200)).start();
                List<LineClient> clients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    LineClient c = new LineClient(server.address());
                    assertTrue(c.call("hi").startsWith("hi gevent4j-group"), "served on the group");
                    clients.add(c);
                }
                long start = System.nanoTime();
                server.stop();
                assertTrue(FreshHub.secondsSince(start) < 30, "stop ends within its timeout plus the kill");
                assertEquals(10, killed.get(), "the idle handlers were killed on both hubs");
                for (LineClient c : clients) {
                    assertNull(c.readLine(), "the server closed the connection");
                    c.close();
                }
                assertNoGreenletLeft(hubs);
                assertNeverServed(server.address());
            });
        }
    }

    @Test
    void theStopHookRunsOnEveryHubBeforeTheHandlersAreAwaited() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                Set<Hub> hooked = ConcurrentHashMap.newKeySet();
                StreamServer[] server = new StreamServer[1];
                server[0] = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                    socket.sendAll("ready\n".getBytes(StandardCharsets.UTF_8));
                    while (!hooked.contains(Hub.current())) {
                        Gevent.sleep(0.005);
                    }
                }).hubGroup(hubs).stopTimeout(Duration.ofSeconds(60)).onStop(() -> hooked.add(Hub.current())).start();
                List<LineClient> clients = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    LineClient c = new LineClient(server[0].address());
                    assertEquals("ready", c.readLine());
                    clients.add(c);
                }
                long start = System.nanoTime();
                server[0].stop();
                assertTrue(FreshHub.secondsSince(start) < 30, "the hook ended the handlers' waits, not the 60 s timeout");
                assertEquals(Set.copyOf(hubs.hubs()), hooked, "the hook ran on each hub");
                for (LineClient c : clients) {
                    assertNull(c.readLine());
                    c.close();
                }
            });
        }
    }

    @Test
    void tlsHandshakesRunOnTheHubTheConnectionWasHandedTo() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                TestCerts certs = TestCerts.get();
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, certs.localhostServer, (tls, address) -> {
                    var in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
                    String line = in.readLine();
                    tls.sendAll((line + " " + Hub.current().thread().getName() + "\n").getBytes(StandardCharsets.UTF_8));
                }).hubGroup(hubs).start();
                Set<String> served = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    try (TlsSocket tls = TlsSocket.client(StreamSocket.open(server.address()), certs.client, "localhost")) {
                        tls.sendAll("hello\n".getBytes(StandardCharsets.UTF_8));
                        String answer = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8)).readLine();
                        assertTrue(answer.startsWith("hello gevent4j-group"), answer);
                        served.add(answer);
                    }
                }
                assertEquals(2, served.size(), "both hubs served TLS connections: " + served);
                server.stop();
            });
        }
    }

    @Test
    void aUnixDomainAddressIsServedFromTheGroupToo() throws Exception {
        Path dir = Files.createTempDirectory("gevent4j-group");
        Path file = dir.resolve("server.sock");
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                StreamServer server = new StreamServer(UnixDomainSocketAddress.of(file), HubGroupServerTest::hubEcho)
                        .hubGroup(hubs).start();
                Set<String> served = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    try (LineClient c = new LineClient(server.address())) {
                        served.add(c.call("x"));
                    }
                }
                assertEquals(2, served.size(), "both hubs served: " + served);
                server.stop();
            });
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    @Test
    void aGivenGroupCannotBeCombinedWithAHubGroup() {
        try (HubGroup hubs = HubGroup.start(1)) {
            FreshHub.run(() -> {
                StreamServer spread = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho).hubGroup(hubs);
                assertThrows(IllegalStateException.class, () -> spread.spawnIn(new Group()));
                StreamServer grouped = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho).spawnIn(new Group());
                assertThrows(IllegalStateException.class, () -> grouped.hubGroup(hubs));
                spread.close();
                grouped.close();
            });
        }
    }

    /** Handlers that answer once {@code gate} lets them through, with the name of their hub's thread. */
    private static StreamServer.Handler gatedEcho(HandlerGate gate) {
        return (socket, address) -> gate.pass(() -> socket.sendAll(
                ("served " + Hub.current().thread().getName() + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void maxConcurrencyLimitsTheHandlersOfAllHubsTogether() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                HandlerGate gate = new HandlerGate();
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, gatedEcho(gate))
                        .maxConcurrency(3).hubGroup(hubs).start();
                assertEquals(Group.class, server.group().getClass(), "no pool on the server's own hub, which runs no handler");
                List<LineClient> clients = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    clients.add(new LineClient(server.address()));
                }
                gate.awaitRunning(3);
                Gevent.sleep(0.2);
                assertEquals(3, gate.running(), "three handlers run; the other connections wait, unaccepted");
                gate.open(8);
                Set<String> served = new HashSet<>();
                for (LineClient c : clients) {
                    String answer = c.readLine();
                    assertTrue(answer.startsWith("served gevent4j-group"), answer);
                    served.add(answer);
                    c.close();
                }
                assertEquals(3, gate.most(), "never more than three handlers at once, on both hubs together");
                assertEquals(2, served.size(), "both hubs served: " + served);
                server.stop();
            });
        }
    }

    @Test
    void aFailingHandlerGivesItsPlaceBack() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                List<Throwable> reported = new CopyOnWriteArrayList<>();
                Hub.current().setErrorHandler((context, error) -> reported.add(error));
                AtomicInteger calls = new AtomicInteger();
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, (socket, address) -> {
                    if (calls.incrementAndGet() % 2 == 1) {
                        throw new IllegalStateException("a failing handler (expected by the test)");
                    }
                    socket.sendAll("ok\n".getBytes(StandardCharsets.UTF_8));
                }).maxConcurrency(1).hubGroup(hubs).start();
                for (int i = 0; i < 6; i++) {
                    try (LineClient c = new LineClient(server.address())) {
                        assertEquals(i % 2 == 0 ? null : "ok", c.readLine(), "connection " + i + " was served");
                    }
                }
                server.stop();
                assertEquals(3, reported.size(), "each failure reported: " + reported);
            });
        }
    }

    @Test
    void stopWhileTheLimitIsReachedLeavesNothingBehind() throws Exception {
        long fdsBefore = -1;
        for (int run = 0; run < 2; run++) {
            try (HubGroup hubs = HubGroup.start(2)) {
                FreshHub.run(() -> {
                    HandlerGate gate = new HandlerGate();
                    StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, gatedEcho(gate))
                            .maxConcurrency(2).hubGroup(hubs).stopTimeout(Duration.ZERO).start();
                    List<LineClient> clients = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        clients.add(new LineClient(server.address()));
                    }
                    gate.awaitRunning(2);
                    server.stop();
                    assertEquals(0, gate.running(), "the running handlers were killed");
                    assertNoGreenletLeft(hubs);
                    for (LineClient c : clients) {
                        c.close();
                    }
                    assertNeverServed(server.address());
                });
            }
            if (run == 0) {
                fdsBefore = openFds();
            }
        }
        assertOpenFds(fdsBefore);
    }

    @Test
    void startingOnAClosedHubGroupFailsAndClosesTheServer() {
        HubGroup hubs = HubGroup.start(1);
        hubs.close();
        FreshHub.run(() -> {
            StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho).hubGroup(hubs);
            assertThrows(IllegalStateException.class, server::start);
            assertTrue(server.isClosed());
        });
    }

    /**
     * start() does not wait for the group's hubs: one whose loop is held up (here by a
     * callback that blocks it) delays only the connections handed to it. It used to make
     * each hub's group on that hub first and wait for all of them.
     */
    @Test
    void startDoesNotWaitForAHubOfTheGroupThatIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread safetyNet = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(FreshHub.LIMIT.dividedBy(3).toMillis());
                release.countDown();
            } catch (InterruptedException e) {
                // the test ended first
            }
        });
        try (HubGroup hubs = HubGroup.start(2)) {
            hubs.hubs().get(1).runThreadsafe(() -> awaitUninterruptibly(release));
            FreshHub.run(() -> {
                StreamServer server = new StreamServer(ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho).hubGroup(hubs);
                server.start();
                assertEquals(1, release.getCount(), "start returned while a hub of the group was held up");
                release.countDown();
                for (int i = 0; i < 2; i++) {
                    try (LineClient c = new LineClient(server.address())) {
                        assertTrue(c.call("x").startsWith("x gevent4j-group"), "served on a hub of the group");
                    }
                }
                server.stop();
            });
        } finally {
            release.countDown();
            safetyNet.interrupt();
            safetyNet.join();
        }
    }

    /** Waits for {@code latch}, whatever interrupts: a hub's thread held up until the test releases it. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep the hub held up until the test releases it
            }
        }
    }
}
