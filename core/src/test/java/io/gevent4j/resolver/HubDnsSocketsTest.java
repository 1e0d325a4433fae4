package io.gevent4j.resolver;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.resolver.DnsTestServer.Answer;
import io.gevent4j.resolver.DnsTestServer.Reply;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UDP socket a hub's greenlets share per name server: lifetime, rotation, one query's end. */
class HubDnsSocketsTest {

    private static final long DEADLINE_NANOS = FreshHub.LIMIT.toNanos() / 2;

    private static DnsTransport.Question[] aAndAaaa(String name) {
        return new DnsTransport.Question[] {
            new DnsTransport.Question(name, DnsMessage.TYPE_A, true),
            new DnsTransport.Question(name, DnsMessage.TYPE_AAAA, true)
        };
    }

    /** A records of 10.7.0.1 for A queries, "no data" for AAAA, each after {@code delayMs}. */
    private static DnsTestServer server(long delayMs) throws Exception {
        return new DnsTestServer(q -> Reply.both(q.type() == DnsMessage.TYPE_A
                ? new Answer(q).a(q.name(), 60, "10.7.0.1").bytes() : new Answer(q).bytes()).delayed(delayMs));
    }

    @Test
    void aSocketIsSharedWhileQueriesWaitAndClosedWhenNoneDo() throws Exception {
        try (DnsTestServer dns = server(300)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.port());
            HubDnsSockets sockets = new HubDnsSockets();
            FreshHub.run(() -> {
                Hub hub = Hub.current();
                List<Greenlet<DnsMessage.Response[]>> exchanges = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String name = "n" + i + ".test";
                    exchanges.add(Gevent.spawn(() -> sockets.exchange(hub, address, aAndAaaa(name),
                            System.nanoTime() + DEADLINE_NANOS)));
                }
                Gevent.sleep(0);
                assertEquals(1, sockets.openSockets(), "200 queries in flight on one socket");
                for (int i = 0; i < 100; i++) {
                    DnsMessage.Response[] answers = exchanges.get(i).get();
                    assertEquals("n" + i + ".test", answers[0].qname());
                    assertEquals(DnsMessage.TYPE_A, answers[0].qtype());
                    assertEquals(DnsMessage.TYPE_AAAA, answers[1].qtype());
                }
                assertEquals(0, sockets.openSockets(), "closed once no query waits");
            });
        }
    }

    @Test
    void aSocketTakesNoNewQueryAfterItsShareAndANewOneTakesThem() throws Exception {
        try (DnsTestServer silent = new DnsTestServer(q -> Reply.none())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.port());
            HubDnsSockets sockets = new HubDnsSockets();
            int exchanges = HubDnsSockets.MAX_QUERIES_PER_SOCKET / 2 + 10;
            FreshHub.run(() -> {
                Hub hub = Hub.current();
                long deadline = System.nanoTime() + 1_000_000_000L;
                List<Greenlet<DnsMessage.Response[]>> all = new ArrayList<>();
                for (int i = 0; i < exchanges; i++) {
                    String name = "r" + i + ".test";
                    all.add(Gevent.spawn(() -> sockets.exchange(hub, address, aAndAaaa(name), deadline)));
                }
                Gevent.sleep(0);
                assertEquals(2, sockets.openSockets(), "a second socket (another port) took the queries past the share");
                for (Greenlet<DnsMessage.Response[]> g : all) {
                    assertInstanceOf(SocketTimeoutException.class, assertThrows(CompletionException.class, g::get).getCause());
                }
                assertEquals(0, sockets.openSockets(), "both closed once no query waits");
            });
        }
    }

    @Test
    void aKilledOrTimedOutExchangeLeavesTheOthersAnswered() throws Exception {
        try (DnsTestServer dns = server(300)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.port());
            HubDnsSockets sockets = new HubDnsSockets();
            FreshHub.run(() -> {
                Hub hub = Hub.current();
                Greenlet<DnsMessage.Response[]> killed = Gevent.spawn(() -> sockets.exchange(hub, address,
                        aAndAaaa("killed.test"), System.nanoTime() + DEADLINE_NANOS));
                Greenlet<DnsMessage.Response[]> impatient = Gevent.spawn(() -> sockets.exchange(hub, address,
                        aAndAaaa("impatient.test"), System.nanoTime() + 50_000_000));
                Greenlet<DnsMessage.Response[]> patient = Gevent.spawn(() -> sockets.exchange(hub, address,
                        aAndAaaa("patient.test"), System.nanoTime() + DEADLINE_NANOS));
                Gevent.sleep(0.01);
                killed.kill();
                CompletionException e = assertThrows(CompletionException.class, impatient::get);
                assertInstanceOf(SocketTimeoutException.class, e.getCause());
                assertEquals("patient.test", patient.get()[0].qname());
                assertTrue(killed.ready());
                assertEquals(0, sockets.openSockets());
            });
        }
    }

    @Test
    void aRefusalFailsEveryQueryInFlightAlsoWhenAnotherQuerysWriteIsTheOneToLearnOfIt() throws Exception {
        InetSocketAddress closedPort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
        }
        HubDnsSockets sockets = new HubDnsSockets();
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            // one query each: on loopback the refusal of the first is pending on the socket before the second is written
            Greenlet<DnsMessage.Response[]> first = Gevent.spawn(() -> sockets.exchange(hub, closedPort,
                    new DnsTransport.Question[] {new DnsTransport.Question("first.test", DnsMessage.TYPE_A, true)}, deadline));
            Greenlet<DnsMessage.Response[]> second = Gevent.spawn(() -> sockets.exchange(hub, closedPort,
                    new DnsTransport.Question[] {new DnsTransport.Question("second.test", DnsMessage.TYPE_A, true)}, deadline));
            for (Greenlet<DnsMessage.Response[]> g : List.of(first, second)) {
                CompletionException e = assertThrows(CompletionException.class,
                        () -> g.get(java.time.Duration.ofNanos(DEADLINE_NANOS / 2)));
                assertInstanceOf(java.net.PortUnreachableException.class, e.getCause(), g + " failed with the refusal");
            }
            assertEquals(0, sockets.openSockets());
        });
    }
}
