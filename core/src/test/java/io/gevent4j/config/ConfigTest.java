package io.gevent4j.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        Config c = Config.load(Map.of(), Map.of());
        assertEquals("thread", c.resolver());
        assertEquals("system", c.dns());
        assertEquals(Path.of("/etc/resolv.conf"), c.dnsResolvConf());
        assertEquals(53, c.dnsPort());
        assertEquals(10, c.threadpoolSize());
        assertFalse(c.monitorThread());
        assertEquals(Duration.ofMillis(100), c.maxBlockingTime());
        assertEquals(Duration.ofSeconds(5), c.memoryMonitorPeriod());
        assertEquals(OptionalLong.empty(), c.maxMemoryUsage());
        assertEquals(8192, c.httpMaxRequestLineBytes());
        assertEquals(32768, c.httpMaxHeaderBytes());
        assertEquals(100, c.httpMaxHeaderCount());
        assertEquals(10L << 20, c.httpMaxBodyBytes());
        assertEquals(Duration.ofSeconds(10), c.httpHeaderTimeout());
        assertEquals(Duration.ofSeconds(30), c.httpIdleTimeout());
        assertEquals(Duration.ofSeconds(60), c.httpIoTimeout());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.hubsPerServer());
    }

    @Test
    void propertiesAndEnvironmentSetValuesAndThePropertyWins() {
        Config c = Config.load(
                Map.of("gevent4j.threadpoolSize", "4", "gevent4j.maxBlockingTime", "250ms",
                        "gevent4j.resolver", "NATIVE"),
                Map.of("GEVENT4J_THREADPOOL_SIZE", "7", "GEVENT4J_MONITOR_THREAD", "yes",
                        "GEVENT4J_MAX_MEMORY_USAGE", "512m", "GEVENT4J_DNS_RESOLV_CONF", "/tmp/r.conf",
                        "GEVENT4J_HTTP_IDLE_TIMEOUT", "2m", "GEVENT4J_HUBS_PER_SERVER", "3",
                        "GEVENT4J_HTTP_IO_TIMEOUT", "PT1.5S"));
        assertEquals(4, c.threadpoolSize());
        assertEquals(Duration.ofMillis(250), c.maxBlockingTime());
        assertEquals("native", c.resolver());
        assertTrue(c.monitorThread());
        assertEquals(OptionalLong.of(512L << 20), c.maxMemoryUsage());
        assertEquals(Path.of("/tmp/r.conf"), c.dnsResolvConf());
        assertEquals(Duration.ofMinutes(2), c.httpIdleTimeout());
        assertEquals(3, c.hubsPerServer());
        assertEquals(Duration.ofMillis(1500), c.httpIoTimeout());
        assertEquals(Duration.ofMillis(1500), Config.load(Map.of("gevent4j.maxBlockingTime", "1.5"), Map.of())
                .maxBlockingTime());
    }

    @Test
    void environmentNamesFollowTheSettingNames() {
        assertEquals("GEVENT4J_THREADPOOL_SIZE", Config.THREADPOOL_SIZE.environmentName());
        assertEquals("GEVENT4J_DNS_RESOLV_CONF", Config.DNS_RESOLV_CONF.environmentName());
        assertEquals("gevent4j.dns.resolvConf", Config.DNS_RESOLV_CONF.propertyName());
    }

    @Test
    void aBadValueIsNamedWithWhatTheSettingAccepts() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.load(Map.of("gevent4j.threadpoolSize", "ten"), Map.of()));
        assertEquals("gevent4j configuration: gevent4j.threadpoolSize='ten' is not accepted: "
                + "threadpoolSize takes an integer from 1 to 10000", e.getMessage());
    }

    @Test
    void everyBadValueIsReportedAtOnceWithItsSource() {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.load(
                Map.of("gevent4j.resolver", "dnspython", "gevent4j.maxBlockingTime", "-1"),
                Map.of("GEVENT4J_MONITOR_THREAD", "maybe", "GEVENT4J_HTTP_MAX_BODY_BYTES", "0",
                        "GEVENT4J_THREADPOOL_SIZE", "0")));
        String m = e.getMessage();
        assertTrue(m.contains("gevent4j.resolver='dnspython' is not accepted: resolver takes thread, native or blocking"), m);
        assertTrue(m.contains("gevent4j.maxBlockingTime='-1' is not accepted: maxBlockingTime takes a positive duration"), m);
        assertTrue(m.contains("GEVENT4J_MONITOR_THREAD='maybe' is not accepted: monitorThread takes true or false"), m);
        assertTrue(m.contains("GEVENT4J_HTTP_MAX_BODY_BYTES='0' is not accepted"), m);
        assertTrue(m.contains("GEVENT4J_THREADPOOL_SIZE='0' is not accepted"), m);
    }

    @Test
    void outOfRangeAndMalformedValuesAreRefused() {
        for (Map.Entry<String, String> bad : Map.of("gevent4j.dns.port", "65536", "gevent4j.hubsPerServer", "all",
                "gevent4j.maxMemoryUsage", "12t", "gevent4j.http.headerTimeout", "0ms", "gevent4j.dns.hosts", " ",
                "gevent4j.http.maxHeaderCount", "", "gevent4j.memoryMonitorPeriod", "5 days",
                "gevent4j.http.idleTimeout", "PT-1S", "gevent4j.http.ioTimeout", "P1X").entrySet()) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> Config.load(Map.of(bad.getKey(), bad.getValue()), Map.of()), bad.toString());
            assertTrue(e.getMessage().contains(bad.getKey() + "='" + bad.getValue() + "'"), e.getMessage());
        }
    }

    /** The examples a duration setting's accepts text gives are values it takes, whichever duration setting. */
    @Test
    void everyDurationSettingTakesTheFormsItsAcceptsTextNames() {
        int durations = 0;
        for (Setting<?> s : Config.settings()) {
            if (s.accepts().startsWith("a positive duration")) {
                durations++;
                for (String form : List.of("1.5", "1500ms", "PT1.5S")) {
                    assertTrue(s.accepts().contains(form), s.accepts());
                    assertEquals(Duration.ofMillis(1500),
                            Config.load(Map.of(s.propertyName(), form), Map.of()).value(s), s + "=" + form);
                }
            }
        }
        assertEquals(5, durations);
    }

    @Test
    void theDocumentationTableListsEverySettingAsTheCodeDefinesIt() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (Setting<?> s : Config.settings()) {
            String row = "| `" + s.propertyName() + "` | `" + s.environmentName() + "` | `" + s.defaultText()
                    + "` | " + s.accepts() + " | " + s.description() + " |";
            assertTrue(doc.contains(row), "docs/configuration.md lacks the row\n" + row);
        }
        assertEquals(Config.settings().size(), doc.lines().filter(l -> l.startsWith("| `gevent4j.")).count());
    }

    @Test
    void aBadValueFailsTheFirstHubOfAProgram() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dgevent4j.threadpoolSize=many", "-cp", System.getProperty("java.class.path"),
                StartsAHub.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM ended");
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("io.gevent4j.config.ConfigException: gevent4j configuration: "
                + "gevent4j.threadpoolSize='many' is not accepted: threadpoolSize takes an integer from 1 to 10000"), out);
        assertFalse(out.contains("started"), out);
    }

    /** The probe: a program whose first gevent4j call starts a hub. */
    static final class StartsAHub {
        public static void main(String[] args) {
            io.gevent4j.Gevent.sleep(0);
            System.out.println("started");
        }
    }
}
