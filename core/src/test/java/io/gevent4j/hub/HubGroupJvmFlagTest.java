package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without --add-opens, starting a hub group fails with the message that names the flag, as the first spawn does. */
class HubGroupJvmFlagTest {

    /** Starts a hub group; run in a child JVM started without the flag. */
    public static final class StartGroup {
        public static void main(String[] args) {
            try (HubGroup hubs = HubGroup.start(2)) {
                System.out.println("started " + hubs);
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void withoutTheFlagStartingAGroupThrowsTheMessageThatNamesTheFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StartGroup.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended: HubGroup.start returned or threw");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("refused: ") && out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
