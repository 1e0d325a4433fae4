package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Counts this JVM's open file descriptors (/proc/self/fd), for tests that nothing leaks. */
final class OpenFiles {

    private OpenFiles() {
    }

    /**
     * Runs one server and one request first, so that what the JVM opens once and keeps (the
     * JDK's pollers, jars) is open before the count that a test compares with.
     */
    static int countAfterWarmUp() throws IOException {
        HttpServer first = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        first.createContext("/", ex -> ExchangeTest.send(ex, 200, "warm"));
        first.start();
        try (RawClient c = new RawClient(first.getAddress())) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
        first.stop(0);
        return count();
    }

    static int count() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** What each descriptor is, for an assertion's message. */
    static String describe() {
        List<String> targets = new ArrayList<>();
        for (String fd : new File("/proc/self/fd").list()) {
            try {
                targets.add(fd + "->" + Files.readSymbolicLink(Path.of("/proc/self/fd", fd)));
            } catch (IOException gone) {
                // closed meanwhile
            }
        }
        return String.join(", ", targets);
    }
}
