package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 concurrent keep-alive connections on the one hub of a server's thread: green
 * clients in another JVM ({@link GreenClients}; this machine's limit of 20,000 open files
 * per process does not fit both ends in one) each get an answer, all stay connected, then
 * each sends a second request on the same connection; afterwards nothing is left open.
 */
class ManyConnectionsTest {

    private static final int CONNECTIONS = 10_000;

    @Test
    void tenThousandKeepAliveConnectionsAreServedOnOneHub() throws Exception {
        int fdsBefore = OpenFiles.countAfterWarmUp();
        Set<InetSocketAddress> first = ConcurrentHashMap.newKeySet();
        Set<InetSocketAddress> second = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        HttpServerLimits limits = HttpServerLimits.defaults().withTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(5));
        HttpServer server = new GeventHttpServerProvider(limits).createHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.createContext("/", ex -> {
            (ex.getRequestURI().getPath().equals("/first") ? first : second).add(ex.getRemoteAddress());
            threads.add(Thread.currentThread().isVirtual() ? "greenlet" : Thread.currentThread().getName());
            ExchangeTest.send(ex, 200, "hello");
        });
        server.start();
        try {
            Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "-Xss1m", "-cp", System.getProperty("java.class.path"),
                    GreenClients.class.getName(), Integer.toString(server.getAddress().getPort()), Integer.toString(CONNECTIONS))
                    .redirectErrorStream(true).start();
            String out = new String(clients.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(clients.waitFor(10, TimeUnit.MINUTES));
            assertEquals(0, clients.exitValue(), out);
        } finally {
            server.stop(5);
        }
        assertEquals(CONNECTIONS, first.size(), "a first answer on each connection");
        assertEquals(first, second, "the second request came on the same connection, kept alive");
        assertEquals(Set.of("greenlet"), threads, "every handler ran in a greenlet");
        assertEquals(fdsBefore, OpenFiles.count(), () -> "every connection closed: " + OpenFiles.describe());
    }
}
