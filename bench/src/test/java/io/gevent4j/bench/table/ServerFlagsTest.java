package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table's {@code --server-flags}: given to every Java server, never to the load client. */
class ServerFlagsTest {

    private static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xmn8m");

    private static Contenders contenders(List<String> serverFlags) {
        return new Contenders(Path.of(System.getProperty("java.home")), "bench.jar",
                Path.of("python3"), Path.of("peers"), Path.of("logging.properties"), serverFlags);
    }

    @Test
    void theFlagsAreSplitOnWhitespace() {
        assertEquals(FLAGS, Table.serverFlags("  -XX:+UseSerialGC   -Xmn8m "));
        assertEquals(List.of(), Table.serverFlags(" "));
    }

    @Test
    void aWordThatIsNotAJvmOptionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Table.serverFlags("-Xmn8m SerialGC"));
        assertTrue(e.getMessage().contains("'SerialGC'"), e.getMessage());
    }

    @Test
    void everyJavaServerGetsTheFlagsBeforeItsMainClassAndTheClientDoesNot() {
        Contenders contenders = contenders(FLAGS);
        List<Contenders.Contender> servers = new ArrayList<>(contenders.echo());
        servers.addAll(contenders.http());
        for (Contenders.Contender server : servers) {
            List<String> command = server.command();
            if (!server.jvm()) {
                assertFalse(command.containsAll(FLAGS), server.impl());
                continue;
            }
            int at = command.indexOf(FLAGS.get(0));
            assertTrue(at > 0, server.impl() + ": " + command);
            assertEquals(FLAGS, command.subList(at, at + FLAGS.size()), server.impl());
            assertTrue(at < command.indexOf("-cp"), server.impl() + ": " + command);
        }
        assertFalse(contenders.java().containsAll(FLAGS), "the load client's command");
    }

    @Test
    void withoutFlagsTheServersRunOnTheJvmsDefaults() {
        for (Contenders.Contender server : contenders(List.of()).echo()) {
            assertFalse(server.command().contains(FLAGS.get(0)), server.impl());
        }
    }
}
