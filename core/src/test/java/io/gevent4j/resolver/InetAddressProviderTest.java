package io.gevent4j.resolver;

import io.gevent4j.resolver.DnsTestServer.Answer;
import io.gevent4j.resolver.DnsTestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@code InetAddressResolverProvider} in a JVM of its own (the JDK picks its resolver
 * once per JVM): with {@code -Dgevent4j.dns=native}, plain {@code InetAddress} calls reach
 * the test DNS server, and inside a greenlet they let the hub run other greenlets.
 */
class InetAddressProviderTest {

    @TempDir
    Path dir;

    @Test
    void everyInetAddressLookupGoesThroughTheNativeResolver() throws Exception {
        try (DnsTestServer server = new DnsTestServer(q -> {
            if (q.type() == DnsMessage.TYPE_PTR) {
                return Reply.both(new Answer(q).ptr(q.name(), 60, "ptr.probe.test").bytes());
            }
            if (q.name().startsWith("missing-")) {
                return Reply.both(new Answer(q).rcode(DnsMessage.RCODE_NXDOMAIN).bytes());
            }
            Answer a = new Answer(q);
            if (q.type() == DnsMessage.TYPE_A) {
                // getCanonicalHostName checks that the PTR name resolves back to the address
                a.a(q.name(), 60, q.name().equals("ptr.probe.test") ? "10.0.0.5" : "10.8.0.1");
            }
            Reply r = Reply.both(a.bytes());
            return q.name().startsWith("slow-") ? r.delayed(300) : r;
        })) {
            Path conf = dir.resolve("resolv.conf");
            Files.writeString(conf, "nameserver 127.0.0.1\n");
            Path hosts = dir.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 localhost\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "-Dgevent4j.dns=native",
                    "-D" + NativeResolver.RESOLV_CONF_PROPERTY + "=" + conf,
                    "-D" + NativeResolver.HOSTS_PROPERTY + "=" + hosts,
                    "-D" + NativeResolver.PORT_PROPERTY + "=" + server.port(),
                    "-cp", System.getProperty("java.class.path"), ProviderProbe.class.getName(), "probe.test")
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM ended");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            List<String> lines = out.lines().toList();
            assertTrue(lines.contains("platform [probe.test/10.8.0.1]"), out);
            String greenlet = lines.stream().filter(l -> l.startsWith("greenlet ")).findFirst().orElseThrow();
            assertTrue(greenlet.startsWith("greenlet 10.8.0.1 ticks "), out);
            int ticks = Integer.parseInt(greenlet.substring(greenlet.lastIndexOf(' ') + 1));
            assertTrue(ticks >= 5, "the hub ran the ticker during the 300 ms lookup: " + out);
            String main = lines.stream().filter(l -> l.startsWith("main ")).findFirst().orElse("");
            assertTrue(main.startsWith("main 10.8.0.1 ticks "), out);
            assertTrue(Integer.parseInt(main.substring(main.lastIndexOf(' ') + 1)) >= 5,
                    "the hub ran the ticker during the main greenlet's 300 ms lookup: " + out);
            assertTrue(lines.contains("reverse ptr.probe.test"), out);
            assertTrue(out.contains("missing missing-probe.test"), out);
            assertTrue(server.queries().stream().anyMatch(q -> q.name().equals("probe.test")));
            assertFalse(String.join(File.pathSeparator, lines).contains("?!"), out);
        }
    }
}
