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
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class NativeResolverTest {

    @TempDir
    Path dir;

    private static Reply answer(Answer a) {
        return Reply.both(a.bytes());
    }

    /** A records for A queries of {@code name}, "no data" for anything else it is asked. */
    private static Function<Query, Reply> simple(String name, String ip, long ttl) {
        return q -> q.type() == DnsMessage.TYPE_A && q.name().equals(name)
                ? answer(new Answer(q).a(name, ttl, ip))
                : q.name().equals(name) ? answer(new Answer(q)) : answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN));
    }

    private static List<String> ips(List<InetAddress> addresses) {
        List<String> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            out.add(a.getHostAddress());
        }
        return out;
    }

    @Test
    void resolvesARecordsAndKeepsTheHostName() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> switch (q.type()) {
            case DnsMessage.TYPE_A -> answer(new Answer(q).a("svc.test", 60, "10.1.2.3").a("svc.test", 60, "10.1.2.4"));
            case DnsMessage.TYPE_AAAA -> answer(new Answer(q).aaaa("svc.test", 60, "fd00::1"));
            default -> answer(new Answer(q));
        })) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> {
                List<InetAddress> found = r.lookupAll("svc.test");
                assertEquals(List.of("10.1.2.3", "10.1.2.4", "fd00:0:0:0:0:0:0:1"), ips(found));
                assertEquals("svc.test", found.getFirst().getHostName());
                assertEquals(List.of("10.1.2.3", "10.1.2.4"), ips(r.lookup("svc.test", NativeResolver.Family.IPV4,
                        new Readiness.OnHub(io.gevent4j.hub.Hub.current()))));
            });
        }
    }

    @Test
    void followsACnameChainInOneAnswerAndAcrossQueries() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> {
            if (q.type() != DnsMessage.TYPE_A) {
                return answer(new Answer(q));
            }
            return switch (q.name()) {
                case "www.test" -> answer(new Answer(q).a("real.test", 30, "10.0.0.9")
                        .cname("www.test", 300, "alias.test").cname("alias.test", 300, "real.test"));
                case "far.test" -> answer(new Answer(q).cname("far.test", 300, "elsewhere.test"));
                case "elsewhere.test" -> answer(new Answer(q).a("elsewhere.test", 30, "10.0.0.10"));
                case "loop.test" -> answer(new Answer(q).cname("loop.test", 30, "loop2.test").cname("loop2.test", 30, "loop.test"));
                default -> answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN));
            };
        })) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> {
                assertEquals(List.of("10.0.0.9"), ips(r.lookupAll("www.test")));
                assertEquals(List.of("10.0.0.10"), ips(r.lookupAll("far.test")));
                assertTrue(server.queries().stream().anyMatch(q -> q.name().equals("elsewhere.test")));
                UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.lookupAll("loop.test"));
                assertTrue(e.getMessage().contains("CNAME loop"), e.getMessage());
            });
        }
    }

    @Test
    void aTruncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> {
            if (q.type() != DnsMessage.TYPE_A) {
                return answer(new Answer(q));
            }
            Answer full = new Answer(q);
            for (int i = 1; i <= 40; i++) {
                full.a("big.test", 60, "10.9.0." + i);
            }
            return new Reply(new Answer(q).truncated().bytes(), full.bytes(), 0);
        })) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> {
                List<InetAddress> found = r.lookupAll("big.test");
                assertEquals(40, found.size());
                assertEquals("10.9.0.40", found.get(39).getHostAddress());
            });
            assertTrue(server.queries().stream().anyMatch(q -> q.tcp() && q.name().equals("big.test")),
                    "the answer came over TCP: " + server.queries());
        }
    }

    @Test
    void aMalformedAnswerIsAClearErrorAfterTheRetries() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> {
            byte[] good = new Answer(q).a(q.name(), 60, "10.0.0.1").bytes();
            byte[] cut = java.util.Arrays.copyOf(good, good.length - 3); // the A record's data is cut short
            return new Reply(cut, cut, 0);
        })) {
            NativeResolver r = server.resolver(dir, "options timeout:1 attempts:2\n", "").build();
            FreshHub.run(() -> {
                UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.lookupAll("bad.test"));
                assertTrue(e.getMessage().contains("malformed answer"), e.getMessage());
                assertInstanceOf(DnsMessage.MalformedException.class, e.getCause());
                assertEquals(2, server.queries().stream().filter(q -> q.type() == DnsMessage.TYPE_A).count(),
                        "one query per attempt (a malformed answer is ignored until the attempt's timeout)");
            });
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutWhileTheHubServesOthers() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> Reply.none())) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofMillis(300)).attempts(2).build();
            FreshHub.run(() -> {
                AtomicInteger ticks = new AtomicInteger();
                Greenlet<Void> ticker = Gevent.spawn(() -> {
                    for (int i = 0; i < 500; i++) {
                        ticks.incrementAndGet();
                        Gevent.sleep(0.01);
                    }
                });
                long start = System.nanoTime();
                UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.lookupAll("silent.test"));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
                assertTrue(ms >= 550 && ms < 10_000, "2 attempts x 300 ms took " + ms + " ms");
                assertTrue(ticks.get() >= 10, "the hub ran other greenlets meanwhile: " + ticks.get());
                ticker.kill();
            });
        }
    }

    @Test
    void nxdomainAndTheSearchList() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> q.type() == DnsMessage.TYPE_A && q.name().equals("db.two.test")
                ? answer(new Answer(q).a("db.two.test", 60, "10.2.2.2"))
                : q.name().equals("db.two.test") ? answer(new Answer(q))
                : answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN).soa("test", 60, 30)))) {
            NativeResolver r = server.resolver(dir, "search one.test two.test\n", "").build();
            FreshHub.run(() -> {
                assertEquals(List.of("10.2.2.2"), ips(r.lookupAll("db")));
                List<String> asked = server.queries().stream().filter(q -> q.type() == DnsMessage.TYPE_A).map(Query::name).toList();
                assertEquals(List.of("db.one.test", "db.two.test"), asked, "search domains in order, before the bare name");
                UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.lookupAll("nothing.test."));
                assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
                int before = server.queries().size();
                assertThrows(UnknownHostException.class, () -> r.lookupAll("nothing.test."));
                assertEquals(before, server.queries().size(), "NXDOMAIN is cached for the SOA's negative TTL");
            });
        }
    }

    @Test
    void cacheHonoursTtls() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> switch (q.name()) {
            case "short.test" -> q.type() == DnsMessage.TYPE_A ? answer(new Answer(q).a("short.test", 1, "10.3.0.1"))
                    : answer(new Answer(q).soa("test", 1, 1)); // "no AAAA", cached for the SOA's 1 s
            case "zero.test" -> q.type() == DnsMessage.TYPE_A ? answer(new Answer(q).a("zero.test", 0, "10.3.0.2")) : answer(new Answer(q));
            default -> answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN));
        })) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> {
                r.lookupAll("short.test");
                int afterFirst = server.queries().size();
                r.lookupAll("short.test");
                assertEquals(afterFirst, server.queries().size(), "answered from the cache within the TTL");
                Gevent.sleep(1.3);
                r.lookupAll("short.test");
                assertTrue(server.queries().size() > afterFirst, "asked again after the TTL");
                r.lookupAll("zero.test");
                int z = server.queries().size();
                r.lookupAll("zero.test");
                assertTrue(server.queries().size() > z, "a TTL of 0 is not cached");
            });
        }
    }

    @Test
    void reverseLookupsByPtrAndHostsFile() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> q.type() == DnsMessage.TYPE_PTR && q.name().equals("5.0.0.10.in-addr.arpa")
                ? answer(new Answer(q).ptr(q.name(), 60, "host.example"))
                : answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN)))) {
            NativeResolver r = server.resolver(dir, "", "10.7.7.7 listed.example alias\n").build();
            FreshHub.run(() -> {
                assertEquals("host.example", r.reverseLookup(InetAddress.ofLiteral("10.0.0.5")));
                assertEquals("listed.example", r.reverseLookup(InetAddress.ofLiteral("10.7.7.7")));
                assertThrows(UnknownHostException.class, () -> r.reverseLookup(InetAddress.ofLiteral("10.0.0.6")));
                assertEquals("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa",
                        NativeResolver.reverseName(InetAddress.ofLiteral("fd00::1").getAddress()));
            });
        }
    }

    @Test
    void hostsFileAndLiteralsNeedNoQuery() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN)))) {
            NativeResolver r = server.resolver(dir, "", "# comment\n10.7.7.7 listed.example alias # trailing\n::1 six.example\n").build();
            FreshHub.run(() -> {
                assertEquals(List.of("10.7.7.7"), ips(r.lookupAll("ALIAS")));
                assertEquals(List.of("0:0:0:0:0:0:0:1"), ips(r.lookupAll("six.example")));
                assertEquals(List.of("192.0.2.1"), ips(r.lookupAll("192.0.2.1")));
                assertEquals(0, server.queries().size());
                UnknownHostException bad = assertThrows(UnknownHostException.class, () -> r.lookupAll("a..b"));
                assertTrue(bad.getMessage().contains("not a valid host name"), bad.getMessage());
                assertThrows(IllegalArgumentException.class, () -> r.lookupAll(""));
            });
        }
    }

    @Test
    void manyLookupsOverlapOnOneHub() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> (q.type() == DnsMessage.TYPE_A
                ? answer(new Answer(q).a(q.name(), 60, "10.4.0.1")) : answer(new Answer(q))).delayed(200))) {
            NativeResolver r = server.resolver(dir, "", "").build();
            FreshHub.run(() -> {
                long start = System.nanoTime();
                List<Greenlet<List<InetAddress>>> gs = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    String name = "n" + i + ".test";
                    gs.add(Gevent.spawn(() -> r.lookupAll(name)));
                }
                for (Greenlet<List<InetAddress>> g : gs) {
                    assertEquals(List.of("10.4.0.1"), ips(g.get()));
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 6000, "30 lookups x (A + AAAA) x 200 ms took " + ms + " ms (serially 12 s)");
            });
        }
    }

    @Test
    void aKilledLookupLeavesTheResolverUsable() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> q.name().startsWith("slow")
                ? Reply.none() : simple(q.name(), "10.5.0.1", 60).apply(q))) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofSeconds(20)).build();
            FreshHub.run(() -> {
                Greenlet<List<InetAddress>> g = Gevent.spawn(() -> r.lookupAll("slow.test"));
                Gevent.sleep(0.1);
                long start = System.nanoTime();
                g.kill();
                assertTrue(g.killed());
                assertTrue((System.nanoTime() - start) / 1_000_000 < 5000);
                assertEquals(List.of("10.5.0.1"), ips(r.lookupAll("fast.test")));
            });
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void failedAndKilledLookupsLeakNoFileDescriptor() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> q.name().startsWith("garbage")
                ? new Reply(new byte[]{1, 2, 3}, new byte[]{1, 2, 3}, 0) : Reply.none())) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofMillis(50)).attempts(1).build();
            FreshHub.run(() -> {
                // on a loaded machine a lookup may time out before its kill: that ends its greenlet with an error
                io.gevent4j.hub.Hub.current().setErrorHandler((ctx, t) -> assertInstanceOf(UnknownHostException.class, t));
                assertThrows(UnknownHostException.class, () -> r.lookupAll("warm.test")); // loads classes, opens the selector
                long before = openFds();
                for (int i = 0; i < 20; i++) {
                    assertThrows(UnknownHostException.class, () -> r.lookupAll("silent.test"));
                    assertThrows(UnknownHostException.class, () -> r.lookupAll("garbage.test"));
                    Greenlet<List<InetAddress>> g = Gevent.spawn(() -> r.lookupAll("killed.test"));
                    Gevent.sleep(0.005);
                    g.kill();
                }
                long after = openFds();
                assertTrue(after <= before + 3, "open file descriptors went from " + before + " to " + after);
            });
        }
    }

    private static long openFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void anAnswerToAnotherQuestionIsIgnoredAndTheRealOneAwaited() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> {
            Query other = new Query(q.id(), "evil.test", q.type(), false); // the right id, the wrong question
            byte[] spoofed = new Answer(other).a("evil.test", 60, "6.6.6.6").bytes();
            return simple("good.test", "10.0.0.1", 60).apply(q).delayed(100).withDecoy(spoofed, false);
        })) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofSeconds(5)).attempts(1).build();
            FreshHub.run(() -> assertEquals(List.of("10.0.0.1"), ips(r.lookupAll("good.test"))));
        }
    }

    @Test
    void aPerfectAnswerFromAnotherPortIsNeverAccepted() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> {
            byte[] spoofed = q.type() == DnsMessage.TYPE_A
                    ? new Answer(q).a(q.name(), 60, "6.6.6.6").bytes() : new Answer(q).bytes(); // right id and question
            return simple("good.test", "10.0.0.1", 60).apply(q).delayed(100).withDecoy(spoofed, true);
        })) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofSeconds(5)).attempts(1).build();
            FreshHub.run(() -> assertEquals(List.of("10.0.0.1"), ips(r.lookupAll("good.test"))));
        }
    }

    @Test
    void aNameEndingInADotSkipsTheSearchList() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> switch (q.name()) {
            case "db" -> simple("db", "10.8.0.1", 60).apply(q);
            case "db.s.test" -> simple("db.s.test", "10.8.0.2", 60).apply(q);
            default -> answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN));
        })) {
            NativeResolver r = server.resolver(dir, "search s.test\n", "").build();
            FreshHub.run(() -> {
                assertEquals(List.of("10.8.0.1"), ips(r.lookupAll("db.")));
                assertTrue(server.queries().stream().allMatch(q -> q.name().equals("db")), "only the absolute name: " + server.queries());
                assertEquals(List.of("10.8.0.2"), ips(r.lookupAll("db")));
            });
        }
    }

    @Test
    void aSearchDomainThatMakesTheNameTooLongIsSkipped() throws Exception {
        String label = "d".repeat(60);
        String longDomain = String.join(".", label, label, label, label); // 243 bytes
        try (DnsTestServer server = new DnsTestServer(simple("short-host-name", "10.8.0.3", 60))) {
            NativeResolver r = server.resolver(dir, "search " + longDomain + "\n", "").build();
            FreshHub.run(() -> assertEquals(List.of("10.8.0.3"), ips(r.lookupAll("short-host-name"))));
        }
    }

    @Test
    void hostsFileAnswersFollowTheFamilyPreference() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> answer(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN)))) {
            NativeResolver r = server.resolver(dir, "", "::1 both.example\n10.0.0.1 both.example\n").build();
            FreshHub.run(() -> {
                var onHub = new Readiness.OnHub(io.gevent4j.hub.Hub.current());
                assertEquals(List.of("10.0.0.1", "0:0:0:0:0:0:0:1"),
                        ips(r.lookup("both.example", NativeResolver.Family.IPV4_FIRST, onHub)));
                assertEquals(List.of("0:0:0:0:0:0:0:1", "10.0.0.1"),
                        ips(r.lookup("both.example", NativeResolver.Family.IPV6_FIRST, onHub)));
            });
        }
    }

    @Test
    void addressesOfOneFamilyAreReturnedWhenTheOtherFamilysQueryFails() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> q.type() == DnsMessage.TYPE_AAAA
                ? Reply.none() : simple("half.test", "10.0.0.4", 60).apply(q))) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofMillis(200)).attempts(1).build();
            FreshHub.run(() -> {
                assertEquals(List.of("10.0.0.4"), ips(r.lookupAll("half.test")));
                var onHub = new Readiness.OnHub(io.gevent4j.hub.Hub.current());
                UnknownHostException e = assertThrows(UnknownHostException.class,
                        () -> r.lookup("half.test", NativeResolver.Family.IPV6, onHub));
                assertTrue(e.getMessage().contains("no answer within 200 ms"), e.getMessage());
            });
        }
    }

    @Test
    void aVirtualThreadOfTheDefaultSchedulerResolvesWithoutAHub() throws Exception {
        try (DnsTestServer server = new DnsTestServer(simple("vt.test", "10.6.0.1", 60))) {
            NativeResolver r = server.resolver(dir, "", "").build();
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    result.set(ips(r.lookupAll("vt.test")));
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            assertTrue(t.join(Duration.ofSeconds(30)));
            assertEquals(List.of("10.6.0.1"), result.get());
        }
    }

    @Test
    void aVirtualThreadWithoutAHubRetriesASilentServerThenFailsClearly() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> Reply.none())) {
            NativeResolver r = server.resolver(dir, "", "").timeout(Duration.ofMillis(200)).attempts(2).build();
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    result.set(r.lookupAll("silent.test"));
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            assertTrue(t.join(Duration.ofSeconds(30)));
            UnknownHostException e = assertInstanceOf(UnknownHostException.class, result.get());
            assertTrue(e.getMessage().contains("no answer within 200 ms"), e.getMessage());
            assertEquals(4, server.queries().size(), "A and AAAA, asked twice: " + server.queries());
        }
    }
}
