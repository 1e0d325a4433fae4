package io.gevent4j.resolver;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ResolvConfTest {

    @Test
    void parsesServersSearchAndOptions() {
        ResolvConf c = ResolvConf.parse("""
                # comment
                nameserver 10.0.0.1
                nameserver fd00::53
                nameserver not-an-address
                domain ignored.test
                search a.test b.test.
                options ndots:2 timeout:3 attempts:4 rotate unknown:1
                sortlist 10.0.0.0
                """, 5353);
        assertEquals(List.of(new InetSocketAddress("10.0.0.1", 5353), new InetSocketAddress("fd00::53", 5353)), c.nameservers());
        assertEquals(List.of("a.test", "b.test"), c.search());
        assertEquals(2, c.ndots());
        assertEquals(Duration.ofSeconds(3), c.timeout());
        assertEquals(4, c.attempts());
        assertTrue(c.rotate());
    }

    @Test
    void atMostThreeServersAsTheCLibraryReads() {
        ResolvConf c = ResolvConf.parse("nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n", 53);
        assertEquals(3, c.nameservers().size());
        assertEquals(new InetSocketAddress("10.0.0.3", 53), c.nameservers().getLast());
    }

    @Test
    void defaultsAndCandidates() throws Exception {
        ResolvConf c = ResolvConf.read(Path.of("/nonexistent/resolv.conf"), 53);
        assertTrue(c.nameservers().getFirst().getAddress().isLoopbackAddress());
        assertEquals(1, c.ndots());
        assertEquals(Duration.ofSeconds(5), c.timeout());
        assertEquals(2, c.attempts());
        ResolvConf s = ResolvConf.parse("search x.test y.test\n", 53);
        assertEquals(List.of("db.x.test", "db.y.test", "db"), s.candidates("db"));
        assertEquals(List.of("a.b", "a.b.x.test", "a.b.y.test"), s.candidates("a.b"));
        assertEquals(List.of("abs.test"), s.candidates("abs.test."));
        assertThrows(IllegalArgumentException.class, () -> ResolvConf.parse("", 0));
        // a timeout whose nanoseconds overflow is refused when configured, not at the first lookup
        assertThrows(IllegalArgumentException.class, () -> NativeResolver.builder().timeout(Duration.ofDays(365L * 300)));
        assertThrows(IllegalArgumentException.class, () -> s.withTimeout(Duration.ofDays(365L * 300)));
    }

    @Test
    void queryEncodingRejectsBadNames() {
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.query(1, "a".repeat(64) + ".test", 1, false));
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.query(1, "a..test", 1, false));
        assertEquals("xn--bcher-kva.test", DnsMessage.asciiName("Bücher.test."));
    }
}
