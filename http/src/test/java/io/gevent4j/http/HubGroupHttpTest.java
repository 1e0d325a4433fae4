package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code setExecutor(hubGroup)}: one address served from every hub of a group through the JDK API. */
class HubGroupHttpTest {

    /** A server answering each request with the name of the thread of the hub that serves it. */
    private static HttpServer whichHubServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> ExchangeTest.send(ex, 200, Hub.current().thread().getName()));
        return server;
    }

    /** The body of a GET of {@code uri} on a connection of its own (a client opened and closed for it). */
    private static String getOnNewConnection(URI uri) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return r.body();
        }
    }

    private static URI uriOf(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void aHubGroupExecutorSpreadsTheConnectionsOverItsHubs() throws Exception {
        try (HubGroup hubs = HubGroup.start(2)) {
            HttpServer server = whichHubServer();
            server.setExecutor(hubs);
            assertSame(hubs, server.getExecutor());
            server.start();
            try {
                Set<String> expected = new HashSet<>();
                hubs.hubs().forEach(hub -> expected.add(hub.thread().getName()));
                List<String> served = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    served.add(getOnNewConnection(uriOf(server)));
                }
                assertEquals(expected, Set.copyOf(served), "round robin: both hubs served, nothing else did");
                assertFalse(served.get(0).equals(served.get(1)), "consecutive connections on different hubs: " + served);
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void aStoppedServerReleasesWhatItHeldOnEachHubAndTheNextServerOnThemWorks() throws Exception {
        try (HubGroup hubs = HubGroup.start(2)) {
            for (int run = 0; run < 2; run++) {
                GeventHttpServer server = (GeventHttpServer) whichHubServer();
                server.setExecutor(hubs);
                server.start();
                List<RawClient> idle = new ArrayList<>();
                try {
                    for (int i = 0; i < 4; i++) {
                        RawClient c = new RawClient(server.getAddress());
                        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                        assertEquals(200, c.read().status(), "server " + run + " serves");
                        idle.add(c);
                    }
                    assertEquals(2, server.hubsWithConnections(), "a record of connections on each hub while serving");
                } finally {
                    server.stop(0);
                }
                awaitNoConnectionRecord(server);
                for (RawClient c : idle) {
                    assertEquals(null, c.read(), "the idle connection was closed by the server");
                    c.close();
                }
            }
        }
    }

    @Test
    void aStoppedServerOnOneHubReleasesItsRecordToo() throws Exception {
        GeventHttpServer server = (GeventHttpServer) whichHubServer();
        server.start();
        try (RawClient c = new RawClient(server.getAddress())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(200, c.read().status());
            assertEquals(1, server.hubsWithConnections());
            server.stop(0);
            awaitNoConnectionRecord(server);
        }
    }

    /** Waits (at most 60 s, for a loaded machine) until the server holds no hub's record of connections. */
    private static void awaitNoConnectionRecord(GeventHttpServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.hubsWithConnections() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.hubsWithConnections(), "the stopped server holds no hub's buffers");
    }

    @Test
    void curlIsServedByEveryHub() throws Exception {
        assumeTrue(ExternalClientTest.onPath("curl"), "curl is not installed (apt-get install curl)");
        try (HubGroup hubs = HubGroup.start(2)) {
            HttpServer server = whichHubServer();
            server.setExecutor(hubs);
            server.start();
            try {
                Set<String> served = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    served.add(curl(uriOf(server)));
                }
                assertEquals(2, served.size(), "both hubs served curl's connections: " + served);
                String twice = curl(uriOf(server), uriOf(server));
                String first = twice.substring(0, twice.length() / 2);
                assertTrue(served.contains(first), twice);
                assertEquals(first + first, twice, "two requests of one kept-alive connection stay on its hub");
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void theDefaultExecutorServesEveryConnectionOnTheServersOneHub() throws Exception {
        HttpServer server = whichHubServer();
        server.start();
        try {
            Set<String> served = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                served.add(getOnNewConnection(uriOf(server)));
            }
            assertEquals(Set.of("gevent4j-http-" + server.getAddress().getPort()), served);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void stopUnderLoadEndsEveryHubsConnectionsAndLeavesNothingBehind() throws Exception {
        int fdsBefore = OpenFiles.countAfterWarmUp();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        HttpServer server = StopTest.slowServer(started, finished);
        try (HubGroup hubs = HubGroup.start(2)) {
            server.setExecutor(hubs);
            server.start();
            InetSocketAddress address = server.getAddress();
            List<RawClient> idle = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RawClient c = new RawClient(address);
                c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals(200, c.read().status());
                idle.add(c);
            }
            AtomicInteger answered = new AtomicInteger();
            List<Throwable> broken = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                clients.add(Thread.ofPlatform().start(() -> StopTest.load(address, answered, broken)));
            }
            while (answered.get() < 50) {
                Thread.sleep(10);
            }
            long stopStart = System.nanoTime();
            server.stop(60);
            long stopSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopStart);
            assertTrue(stopSeconds < 30, "idle keep-alive connections ended at once, not after the 60 s delay: " + stopSeconds);
            int startedAtStop = started.get();
            assertEquals(startedAtStop, finished.get(), "every request begun was completed before stop returned");
            for (Thread t : clients) {
                t.join(60_000);
                assertFalse(t.isAlive());
            }
            assertEquals(List.of(), broken, "no client saw a broken response");
            assertEquals(startedAtStop, started.get(), "no request began after stop");
            for (RawClient c : idle) {
                assertEquals(null, c.read(), "the idle connection was closed by the server");
                c.close();
            }
            assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
            assertFalse(StopTest.threadAlive("gevent4j-http-" + address.getPort()), "the server's thread ended");
            for (Hub hub : hubs.hubs()) {
                CompletableFuture<Integer> count = new CompletableFuture<>();
                hub.runThreadsafe(() -> count.complete(hub.greenletCount()));
                assertEquals(0, count.get(60, TimeUnit.SECONDS), "no connection greenlet left on " + hub);
            }
        }
        assertEquals(fdsBefore, OpenFiles.count(), () -> "no file descriptor left open: " + OpenFiles.describe());
    }

    private static String curl(URI... uris) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS"));
        for (URI uri : uris) {
            command.add(uri.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "curl finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}
