package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The echo load client and the server process end to end: a JDK echo server and {@link EchoLoad}, each a JVM of its own. */
class EchoRunTest {

    private static List<String> java() {
        return new Contenders(Path.of(System.getProperty("java.home")), System.getProperty("java.class.path"),
                Path.of("python3"), Path.of("peers"), Path.of("logging.properties"), List.of()).java();
    }

    private static Path jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    private static List<String> main(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(java());
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void measuresRoundTripsAndTheServersCpuThenIdleConnectionsAndTheirHeap(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("echo.log");
        try (ServerProcess server = ServerProcess.start(main(JdkEchoServer.class), log)) {
            Figures f = EchoRun.run(server, 4, Duration.ofMillis(300), Duration.ofMillis(700), java(), log);
            assertTrue(f.rate() > 0, f.toString());
            assertTrue(f.p50Nanos() > 0 && f.p99Nanos() >= f.p50Nanos(), f.toString());
            assertTrue(f.serverCpuNanos() >= 0 && f.clientCpuNanos() >= 0, f.toString());
            IdleRun.Cost cost = IdleRun.measure(server, 20, java(), jcmd(), log);
            assertTrue(Double.isFinite(cost.rssBytes()), cost.toString());
            assertTrue(cost.heapBytes().isPresent() && Double.isFinite(cost.heapBytes().getAsDouble()), cost.toString());
            assertTrue(server.rssBytes() > 0);
        }
        String output = Files.readString(log);
        assertTrue(output.contains("listening "), output);
        assertTrue(output.contains("idle 20"), output);
        assertTrue(output.contains("live heap growth: "), output);
    }

    @Test
    void aServerThatPrintsSomethingElseFirstFailsToStart(@TempDir Path dir) {
        Path log = dir.resolve("bad.log");
        IOException e = assertThrows(IOException.class,
                () -> ServerProcess.start(List.of("bash", "-c", "echo hello; sleep 30"), log));
        assertTrue(e.getMessage().contains("ended without") || e.getMessage().contains("listening"), e.getMessage());
    }

    @Test
    void aLoadClientWithoutServerFails(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("client.log");
        try (Child client = Child.start(main(EchoLoad.class, "run", "1", "1", "10", "10"), log)) {
            IOException e = assertThrows(IOException.class, () -> client.awaitExit(Duration.ofMinutes(1)));
            assertTrue(e.getMessage().contains("status 1"), e.getMessage());
            assertFalse(client.isAlive());
        }
        assertTrue(Files.readString(log).contains("echo load:"));
        assertTrue(Files.readString(log).startsWith("$ "));
    }
}
