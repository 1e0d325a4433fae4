package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stop(delay) under load: every request accepted before stop completes, none after, nothing left behind. */
class StopTest {

    private static final int CLIENTS = 16;

    @Test
    void stopIsGracefulUnderLoadAndLeavesNothingBehind() throws Exception {
        int fdsBefore = OpenFiles.countAfterWarmUp();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        HttpServer server = slowServer(started, finished);
        server.start();
        InetSocketAddress address = server.getAddress();
        String threadName = "gevent4j-http-" + address.getPort();
        assertTrue(threadAlive(threadName));

        AtomicInteger answered = new AtomicInteger();
        List<Throwable> broken = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofPlatform().start(() -> load(address, answered, broken)));
        }
        while (answered.get() < 50) {
            Thread.sleep(10);
        }
        server.stop(30);
        int startedAtStop = started.get();
        assertEquals(startedAtStop, finished.get(), "every request the server began was completed before stop returned");
        for (Thread t : clients) {
            t.join(60_000);
            assertFalse(t.isAlive());
        }
        assertEquals(List.of(), broken, "no client saw a broken response");
        assertEquals(startedAtStop, started.get(), "no request began after stop");
        assertEquals(answered.get(), finished.get(), "every request that began was answered in full");
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
        assertFalse(threadAlive(threadName), "the server's thread ended");
        assertEquals(fdsBefore, OpenFiles.count(), () -> "no file descriptor left open: " + OpenFiles.describe());
    }

    /** A server whose requests take 20 ms each, counting those begun and those finished. */
    static HttpServer slowServer(AtomicInteger started, AtomicInteger finished) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            started.incrementAndGet();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            ExchangeTest.send(ex, 200, "done");
            finished.incrementAndGet();
        });
        return server;
    }

    /** Sends keep-alive requests until the server closes; a response cut short is a failure. */
    static void load(InetSocketAddress address, AtomicInteger answered, List<Throwable> broken) {
        for (int connections = 0; connections < 1000; connections++) {
            try (RawClient c = new RawClient(address)) {
                for (int i = 0; i < 1000; i++) {
                    c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                    RawClient.Response r = c.read();
                    if (r == null) {
                        break;
                    }
                    if (r.status() != 200 || !r.text().equals("done")) {
                        broken.add(new AssertionError("bad response " + r.head()));
                        return;
                    }
                    answered.incrementAndGet();
                }
            } catch (ConnectException refused) {
                return;
            } catch (IOException closed) {
                // the server closed while the request was on its way: it was never begun
            } catch (RuntimeException | AssertionError e) {
                broken.add(e);
                return;
            }
        }
    }

    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

}
