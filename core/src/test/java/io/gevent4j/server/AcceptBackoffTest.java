package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.StreamSocket;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server out of file descriptors: its accepts fail with EMFILE (for real, with the
 * process's limit lowered) while a connection waits in the backlog. The server reports
 * them, backs off instead of spinning, and serves the connection once descriptors are back.
 */
class AcceptBackoffTest {

    @Test
    void acceptFailuresBackOffAndTheServerGoesOn() {
        assumeTrue(FileLimit.supported(), "needs Linux on amd64 for setrlimit");
        FreshHub.run(() -> {
            Hub hub = Hub.current();
            List<String> reports = new ArrayList<>();
            hub.setErrorHandler((context, error) -> reports.add(context + " | " + error));
            StreamServer server = new StreamServer(StreamServerTest.ANY_LOOPBACK_PORT, StreamServerTest::echo).start();
            try (LineClient warm = new LineClient(server.address())) {
                assertEquals("warm", warm.call("warm"), "every class the accept path needs is loaded");
            }
            StreamSocket client = StreamSocket.open(StandardProtocolFamily.INET);
            long original = FileLimit.soft();
            long startNanos;
            long firstFailureNanos = 0;
            int failures;
            FileLimit.setSoft(3);
            try {
                client.connect(server.address());
                startNanos = System.nanoTime();
                while (reports.isEmpty() && FreshHub.secondsSince(startNanos) < 20) {
                    Gevent.sleep(0.001);
                }
                firstFailureNanos = System.nanoTime();
                Gevent.sleep(0.5);
            } finally {
                FileLimit.setSoft(original);
                failures = reports.size();
            }
            double window = FreshHub.secondsSince(firstFailureNanos);
            assertTrue(failures >= 1, "the accept failed: " + reports);
            assertTrue(reports.get(0).contains("Too many open files"), reports.get(0));
            assertTrue(reports.get(0).contains("retrying in 10 ms"), reports.get(0));
            // 10, 20, 40, 80, 160, 320, 640 ms, then 1 s apart: a spinning accept loop
            // would fail thousands of times in this window.
            int bound = 8 + (int) window;
            assertTrue(failures <= bound, failures + " failures in " + window + " s: " + reports);
            assertTrue(server.isStarted(), "accept errors never end the server");
            try (LineClient c = new LineClient(client)) {
                assertEquals("back", c.call("back"), "the waiting connection is served once descriptors are back");
            }
            server.stop();
        });
    }
}
