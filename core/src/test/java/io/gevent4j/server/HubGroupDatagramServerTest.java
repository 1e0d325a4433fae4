package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.pool.Group;
import io.gevent4j.socket.UdpSocket;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.gevent4j.server.HubGroupServerTest.assertNoGreenletLeft;
import static io.gevent4j.server.HubGroupServerTest.awaitUninterruptibly;
import static io.gevent4j.server.HubGroupServerTest.greenletsOn;
import static io.gevent4j.server.StreamServerTest.ANY_LOOPBACK_PORT;
import static io.gevent4j.server.StreamServerTest.assertOpenFds;
import static io.gevent4j.server.StreamServerTest.openFds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link DatagramServer} serving one address from the hubs of a {@link HubGroup}, one socket per hub. */
class HubGroupDatagramServerTest {

    /** A client socket of the current hub on a port of its own, waiting at most 10 s for a reply. */
    private static UdpSocket client() throws Exception {
        UdpSocket client = UdpSocket.open(StandardProtocolFamily.INET);
        client.bind(ANY_LOOPBACK_PORT);
        client.setTimeout(Duration.ofSeconds(10));
        return client;
    }

    /** A server on {@code hubs} answering each datagram with it and the name of the thread of the hub that handled it. */
    private static DatagramServer whichHubServer(HubGroup hubs) {
        DatagramServer[] server = new DatagramServer[1];
        server[0] = new DatagramServer(ANY_LOOPBACK_PORT, (data, from) -> {
            String text = StandardCharsets.UTF_8.decode(data) + " " + Hub.current().thread().getName();
            server[0].sendTo(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), from);
        }).hubGroup(hubs);
        return server[0];
    }

    @Test
    void datagramsAreHandledOnTheHubsOfTheGroupAndAnsweredFromTheServersPort() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                DatagramServer server = whichHubServer(hubs).start();
                Set<String> hubNames = new HashSet<>();
                hubs.hubs().forEach(hub -> hubNames.add(hub.thread().getName()));
                Set<String> served = new HashSet<>();
                // 32 senders on ports of their own: the kernel's hash puts them all on one hub's socket with odds of 2^-31
                for (int i = 0; i < 32; i++) {
                    try (UdpSocket c = client()) {
                        c.send(ByteBuffer.wrap(("n" + i).getBytes(StandardCharsets.UTF_8)), server.address());
                        ByteBuffer reply = ByteBuffer.allocate(1024);
                        SocketAddress from = c.receive(reply);
                        assertEquals(server.address(), from, "the reply leaves from the server's port");
                        String text = new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
                        assertTrue(text.startsWith("n" + i + " "), text);
                        String hub = text.substring(text.indexOf(' ') + 1);
                        assertTrue(hubNames.contains(hub), hub + " is a hub of the group");
                        served.add(hub);
                    }
                }
                assertEquals(hubNames, served, "every hub handled datagrams");
                server.stop();
                assertNoGreenletLeft(hubs);
                try (UdpSocket after = UdpSocket.open(StandardProtocolFamily.INET)) {
                    after.bind(server.address());
                }
            });
        }
    }

    @Test
    void sendToNeedsAHubOfTheGroup() {
        try (HubGroup hubs = HubGroup.start(1)) {
            FreshHub.run(() -> {
                DatagramServer server = whichHubServer(hubs).start();
                assertThrows(IllegalStateException.class,
                        () -> server.sendTo(ByteBuffer.allocate(1), ANY_LOOPBACK_PORT), "the server's own hub has no socket");
                server.stop();
            });
        }
    }

    @Test
    void stopEndsTheHandlersOfEveryHubAndLeavesNoDescriptor() throws Exception {
        serveAndStop();
        long fdsBefore = openFds();
        serveAndStop();
        assertOpenFds(fdsBefore);
    }

    /** Two hubs whose handlers block until killed, stopped with a zero timeout. */
    private static void serveAndStop() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                HandlerGate neverOpened = new HandlerGate();
                Set<Hub> handlingHubs = ConcurrentHashMap.newKeySet();
                DatagramServer server = new DatagramServer(ANY_LOOPBACK_PORT, (data, from) -> {
                    handlingHubs.add(Hub.current());
                    neverOpened.pass(() -> { });
                }).hubGroup(hubs).stopTimeout(Duration.ZERO).start();
                List<UdpSocket> clients = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    UdpSocket c = client();
                    c.send(ByteBuffer.wrap(new byte[] {1}), server.address());
                    clients.add(c);
                }
                neverOpened.awaitRunning(32);
                assertEquals(Set.copyOf(hubs.hubs()), handlingHubs, "datagrams handled on both hubs");
                server.stop();
                assertEquals(0, neverOpened.running(), "the handlers were killed");
                assertNoGreenletLeft(hubs);
                for (UdpSocket c : clients) {
                    c.close();
                }
            });
        }
    }

    @Test
    void startFailsOnATakenAddressAndClosesTheServer() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                try (UdpSocket taken = UdpSocket.open(StandardProtocolFamily.INET)) {
                    taken.bind(ANY_LOOPBACK_PORT);
                    DatagramServer onTaken = new DatagramServer(taken.getLocalAddress(), (data, from) -> { }).hubGroup(hubs);
                    assertThrows(BindException.class, onTaken::start, "a port bound without SO_REUSEPORT");
                    assertTrue(onTaken.isClosed());
                }
                assertNoGreenletLeft(hubs);
            });
        }
    }

    @Test
    void aGivenGroupCannotBeCombinedWithAHubGroup() {
        try (HubGroup hubs = HubGroup.start(1)) {
            FreshHub.run(() -> {
                DatagramServer spread = whichHubServer(hubs);
                assertThrows(IllegalStateException.class, () -> spread.spawnIn(new Group()));
                DatagramServer grouped = new DatagramServer(ANY_LOOPBACK_PORT, (data, from) -> { }).spawnIn(new Group());
                assertThrows(IllegalStateException.class, () -> grouped.hubGroup(hubs));
                spread.close();
                grouped.close();
            });
        }
    }

    @Test
    void maxConcurrencyLimitsTheHandlersOfAllHubsTogether() {
        limitsHandlersToThree(8);
    }

    /**
     * One sender: the kernel's hash puts all its datagrams on one hub's socket, and the
     * other hub's receiver, which gets none, must not keep a permit the busy hub needs.
     */
    @Test
    void maxConcurrencyIsNotHeldByAHubThatGetsNoDatagrams() {
        limitsHandlersToThree(1);
    }

    /**
     * Eight datagrams from {@code senders} clients (each sending its share, at least one) to a
     * server of two hubs limited to three handlers: three run at once, never more, and
     * every datagram is answered once they are let through.
     */
    private static void limitsHandlersToThree(int senders) {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                HandlerGate gate = new HandlerGate();
                DatagramServer[] server = new DatagramServer[1];
                server[0] = new DatagramServer(ANY_LOOPBACK_PORT, (data, from) -> gate.pass(() -> server[0].sendTo(data, from)))
                        .maxConcurrency(3).hubGroup(hubs).start();
                List<UdpSocket> clients = new ArrayList<>();
                for (int i = 0; i < senders; i++) {
                    clients.add(client());
                }
                for (int i = 0; i < 8; i++) {
                    clients.get(i % senders).send(ByteBuffer.wrap(new byte[] {(byte) i}), server[0].address());
                }
                gate.awaitRunning(3);
                Gevent.sleep(0.2);
                assertEquals(3, gate.running(), "three handlers run; the other datagrams wait");
                gate.open(8);
                Set<Byte> answered = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    ByteBuffer reply = ByteBuffer.allocate(16);
                    clients.get(i % senders).receive(reply);
                    assertEquals(1, reply.position());
                    assertEquals(i % senders, reply.get(0) % senders, "a client is answered its own datagrams");
                    answered.add(reply.get(0));
                }
                assertEquals(8, answered.size(), "every datagram was answered once");
                assertEquals(3, gate.most(), "never more than three handlers at once, on both hubs together");
                for (UdpSocket c : clients) {
                    c.close();
                }
                server[0].stop();
                assertNoGreenletLeft(hubs);
            });
        }
    }

    @Test
    void startingOnAClosedHubGroupFailsAndClosesTheServer() {
        HubGroup hubs = HubGroup.start(1);
        hubs.close();
        FreshHub.run(() -> {
            DatagramServer server = new DatagramServer(ANY_LOOPBACK_PORT, (data, from) -> { }).hubGroup(hubs);
            assertThrows(IllegalStateException.class, server::start);
            assertTrue(server.isClosed());
        });
    }

    /**
     * The first hub of the group closes after the server queued its start there and before
     * that hub ran it: the start fails with an error that says so (not a NullPointerException)
     * and closes the server. The hub is held in a loop callback until the caller blocks in
     * its start (the greenlet spawned on the caller's hub runs only then), then closes itself.
     */
    @Test
    void aHubThatClosesBeforeItStartsItsServerFailsTheStartClearly() throws Exception {
        try (HubGroup hubs = HubGroup.start(2)) {
            Hub first = hubs.hubs().getFirst();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch startQueued = new CountDownLatch(1);
            first.runThreadsafe(() -> {
                held.countDown();
                awaitUninterruptibly(startQueued);
                first.close();
            });
            assertTrue(held.await(FreshHub.LIMIT.toSeconds(), TimeUnit.SECONDS));
            FreshHub.run(() -> {
                DatagramServer server = new DatagramServer(ANY_LOOPBACK_PORT, (data, from) -> { }).hubGroup(hubs);
                Gevent.spawn(startQueued::countDown);
                IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
                assertTrue(e.getMessage().contains("closed before it started"), e.getMessage());
                assertTrue(server.isClosed());
                assertTrue(first.isClosed());
                assertEquals(0, greenletsOn(hubs.hubs().get(1)), "no server was started on the other hub");
            });
        }
    }

    /**
     * A hub of the group closes on its own while the server serves: its server's socket is
     * closed with it, not left bound to the port (where it would take a share of the
     * datagrams nobody reads), so once the server stopped the port is free again.
     */
    @Test
    void aHubThatClosesUnderTheServerClosesItsSocket() {
        try (HubGroup hubs = HubGroup.start(2)) {
            FreshHub.run(() -> {
                DatagramServer server = whichHubServer(hubs).start();
                SocketAddress address = server.address();
                Hub closing = hubs.hubs().getFirst();
                Gevent.spawnOn(closing, () -> {
                    Hub.current().close();
                    return null;
                });
                long start = System.nanoTime();
                while (!closing.isClosed() && FreshHub.secondsSince(start) < 10) {
                    Gevent.sleep(0.01);
                }
                assertTrue(closing.isClosed());
                server.stop();
                start = System.nanoTime();
                boolean bound = false;
                while (!bound && FreshHub.secondsSince(start) < 10) {
                    try (DatagramChannel again = DatagramChannel.open(StandardProtocolFamily.INET)) {
                        again.bind(address);
                        bound = true;
                    } catch (BindException stillInUse) {
                        Gevent.sleep(0.01);
                    }
                }
                assertTrue(bound, "no socket of the server holds " + address);
            });
        }
    }
}
