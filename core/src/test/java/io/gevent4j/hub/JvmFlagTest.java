package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without --add-opens the first use of a hub fails with one message that names the flag. */
class JvmFlagTest {

    /** Spawns a greenlet; run in a child JVM started without the flag. */
    public static final class SpawnOne {
        public static void main(String[] args) {
            io.gevent4j.Gevent.spawn(() -> { }).join();
        }
    }

    @Test
    void withoutTheFlagTheFirstSpawnNamesTheFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SpawnOne.class.getName())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
        assertTrue(List.of(out.split("\n")).stream().anyMatch(l -> l.contains("IllegalStateException")), out);
    }
}
