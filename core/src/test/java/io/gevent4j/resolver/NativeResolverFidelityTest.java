package io.gevent4j.resolver;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.resolver.DnsTestServer.Answer;
import io.gevent4j.resolver.DnsTestServer.Query;
import io.gevent4j.resolver.DnsTestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native resolver where it once differed from the C library and gevent's resolvers
 * (tried against dnsmasq): parallel A/AAAA, failover memory, coalescing, EDNS0, errors,
 * re-reading resolv.conf.
 */
class NativeResolverFidelityTest {

    @TempDir
    Path dir;

    /** A records of {@code ip} for A queries of {@code name}, "no data" for its AAAA, NXDOMAIN otherwise. */
    private static Function<Query, Reply> simple(String name, String ip) {
        return q -> !q.name().equals(name) ? Reply.both(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN).bytes())
                : q.type() == DnsMessage.TYPE_A ? Reply.both(new Answer(q).a(name, 60, ip).bytes())
                : Reply.both(new Answer(q).bytes());
    }

    private static long count(DnsTestServer server, String name) {
        return server.queries().stream().filter(q -> q.name().equals(name)).count();
    }

    private Path resolvConf(String text) throws Exception {
        Path conf = dir.resolve("resolv.conf");
        Files.writeString(conf, text);
        Files.writeString(dir.resolve("hosts"), "");
        return conf;
    }

    @Test
    void aAndAaaaAreAskedTogether() throws Exception {
        try (DnsTestServer silent = new DnsTestServer(q -> Reply.none())) {
            NativeResolver r = silent.resolver(dir, "options timeout:30 attempts:1\n", "").build();
            FreshHub.run(() -> {
                Greenlet<List<InetAddress>> lookup = Gevent.spawn(() -> r.lookupAll("pair.test"));
                for (int i = 0; i < 1000 && count(silent, "pair.test") < 2; i++) {
                    Gevent.sleep(0.01);
                }
                assertEquals(2, count(silent, "pair.test"), "both queries sent before the first timed out");
                assertFalse(lookup.ready());
                lookup.kill();
            });
        }
    }

    @Test
    void aSilentServerIsAskedLastByTheNextLookups() throws Exception {
        try (DnsTestServer good = new DnsTestServer(q -> simple(q.name(), "10.9.0.1").apply(q));
             DatagramChannel silent = DatagramChannel.open()) {
            silent.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.2"), good.port()));
            silent.configureBlocking(false);
            Path conf = resolvConf("nameserver 127.0.0.2\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
            NativeResolver r = NativeResolver.builder().resolvConf(conf).hostsFile(dir.resolve("hosts"))
                    .port(good.port()).build();
            FreshHub.run(() -> {
                assertEquals("10.9.0.1", r.lookupAll("first.test").getFirst().getHostAddress());
                assertEquals("10.9.0.1", r.lookupAll("second.test").getFirst().getHostAddress());
            });
            int received = 0;
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(512);
            while (silent.receive(buf.clear()) != null) {
                received++;
            }
            assertEquals(2, received, "only the first lookup's A and AAAA went to the silent server");
            assertEquals(2, count(good, "second.test"), "the second lookup asked the good server at once");
        }
    }

    @Test
    void simultaneousLookupsOfOneNameShareTheirQueries() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> simple("same.test", "10.9.0.2").apply(q).delayed(200))) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> {
                List<Greenlet<List<InetAddress>>> lookups = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    lookups.add(Gevent.spawn(() -> r.lookupAll("same.test")));
                }
                for (Greenlet<List<InetAddress>> g : lookups) {
                    assertEquals("10.9.0.2", g.get().getFirst().getHostAddress());
                }
            });
            assertEquals(2, count(server, "same.test"), "one A and one AAAA query for 200 lookups");
        }
    }

    /**
     * Thousands of lookups of different names at once, each answer held back a second so
     * that all are in flight together: the hub's queries share one UDP socket (a new one after
     * {@link HubDnsSockets#MAX_QUERIES_PER_SOCKET} queries), so the process's descriptors
     * barely grow; with a socket per lookup they grew by thousands ("Too many open files"
     * under {@code ulimit -n 1024}). Every lookup gets its own name's address.
     */
    @Test
    void thousandsOfDistinctLookupsAtOnceShareTheHubsSocket() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        int lookups = 2000;
        try (DnsTestServer server = new DnsTestServer(q -> {
            if (!q.name().startsWith("host-") || q.type() != DnsMessage.TYPE_A) {
                return Reply.both(new Answer(q).bytes()).delayed(1000);
            }
            int i = Integer.parseInt(q.name().substring(5, q.name().indexOf('.')));
            return Reply.both(new Answer(q).a(q.name(), 60, "10.8." + (i >> 8) + "." + (i & 0xff)).bytes()).delayed(1000);
        })) {
            NativeResolver r = server.resolver(dir, "options timeout:5 attempts:3\n", "").build();
            FreshHub.run(() -> {
                long before = count(fds);
                List<Greenlet<List<InetAddress>>> all = new ArrayList<>();
                for (int i = 0; i < lookups; i++) {
                    String name = "host-" + i + ".test";
                    all.add(Gevent.spawn(() -> r.lookupAll(name)));
                    if (i % 50 == 49) {
                        Gevent.sleep(0.01); // 100 queries at a time: the test server's receive buffer drops larger bursts
                    }
                }
                long most = before;
                while (all.stream().anyMatch(g -> !g.ready())) {
                    most = Math.max(most, count(fds));
                    Gevent.sleep(0.02);
                }
                for (int i = 0; i < lookups; i++) {
                    assertEquals("10.8." + (i >> 8) + "." + (i & 0xff), all.get(i).get().getFirst().getHostAddress());
                }
                assertTrue(most - before < 20, "descriptors grew by " + (most - before) + " for " + lookups + " lookups");
            });
        }
    }

    private static long count(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aRefusedServerSaysPortUnreachable() throws Exception {
        int port;
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        Path conf = resolvConf("nameserver 127.0.0.1\noptions timeout:5 attempts:1\n");
        NativeResolver r = NativeResolver.builder().resolvConf(conf).hostsFile(dir.resolve("hosts")).port(port).build();
        FreshHub.run(() -> {
            UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.lookupAll("nobody.test"));
            assertTrue(e.getMessage().contains("port unreachable"), e.getMessage());
        });
    }

    @Test
    void queriesOfferEdns0SoLargeAnswersNeedNoTcp() throws Exception {
        Function<Query, Reply> handler = q -> {
            Answer a = new Answer(q);
            if (q.type() == DnsMessage.TYPE_A) {
                for (int i = 1; i <= 60; i++) {
                    a.a("big.test", 60, "10.8.0." + i);
                }
            }
            return q.edns() || q.tcp() ? Reply.both(a.bytes()) : Reply.both(new Answer(q).truncated().bytes());
        };
        try (DnsTestServer server = new DnsTestServer(handler)) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> assertEquals(60, r.lookupAll("big.test").size()));
            assertTrue(server.queries().stream().allMatch(Query::edns), "every query offered EDNS0");
            assertTrue(server.queries().stream().noneMatch(Query::tcp), "no TCP round trip: " + server.queries());
        }
    }

    @Test
    void aServerThatRefusesEdns0IsAskedWithoutIt() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> q.edns()
                ? Reply.both(new Answer(q).rcode(DnsMessage.RCODE_FORMERR).bytes())
                : simple("old.test", "10.8.1.1").apply(q))) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> assertEquals("10.8.1.1", r.lookupAll("old.test").getFirst().getHostAddress()));
        }
    }

    /** As gevent's resolver/_hostsfile.py HostsFile.load: the hosts file is read again when it changes. */
    @Test
    void hostsFileIsReadAgainWhenItChanges() throws Exception {
        try (DnsTestServer server = new DnsTestServer(simple("elsewhere.test", "10.7.0.9"))) {
            Path conf = resolvConf("nameserver 127.0.0.1\n");
            Path hosts = dir.resolve("hosts");
            Files.writeString(hosts, "10.6.0.1 h.test\n");
            NativeResolver r = NativeResolver.builder().resolvConf(conf).hostsFile(hosts).port(server.port()).build();
            FreshHub.run(() -> {
                assertEquals("10.6.0.1", r.lookupAll("h.test").getFirst().getHostAddress());
                Files.writeString(hosts, "10.6.0.2 h.test\n");
                Files.setLastModifiedTime(hosts, FileTime.fromMillis(Files.getLastModifiedTime(hosts).toMillis() + 10_000));
                assertEquals("10.6.0.2", r.lookupAll("h.test").getFirst().getHostAddress());
            });
            assertEquals(0, count(server, "h.test"), "both answers came from the hosts file");
        }
    }

    @Test
    void resolvConfIsReadAgainWhenItChanges() throws Exception {
        try (DnsTestServer server = new DnsTestServer(simple("x.test", "10.7.0.1"))) {
            Path conf = resolvConf("nameserver 127.0.0.1\n");
            NativeResolver r = NativeResolver.builder().resolvConf(conf).hostsFile(dir.resolve("hosts"))
                    .port(server.port()).build();
            FreshHub.run(() -> {
                assertEquals("10.7.0.1", r.lookupAll("x.test").getFirst().getHostAddress());
                Files.writeString(conf, "nameserver 127.0.0.1\nsearch y.test\n");
                Files.setLastModifiedTime(conf, FileTime.fromMillis(Files.getLastModifiedTime(conf).toMillis() + 10_000));
                assertThrows(UnknownHostException.class, () -> r.lookupAll("www"));
            });
            assertEquals(List.of("y.test"), r.resolvConf().search());
            assertEquals(2, count(server, "www.y.test"), "the new search list was applied");
        }
    }
}
