package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.StreamSocket;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server created inside a greenlet is served by that greenlet's hub, and stop leaves no greenlet behind. */
class HostedServerTest {

    private static final int CLIENTS = 50;

    @Test
    void aServerStartedInAGreenletServesOnItsHub() throws Exception {
        Gevent.spawn(() -> {
            Hub hub = Hub.current();
            int greenletsBefore = hub.greenletCount();
            List<Hub> servedOn = new ArrayList<>();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", ex -> {
                servedOn.add(Hub.current());
                ExchangeTest.send(ex, 200, "hi " + ex.getRequestURI().getPath());
            });
            server.start();
            List<Greenlet<String>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                String path = "/c" + i;
                clients.add(Gevent.spawn(() -> get(server.getAddress(), path)));
            }
            Gevent.joinAll(clients);
            for (int i = 0; i < CLIENTS; i++) {
                assertTrue(clients.get(i).get().endsWith("\r\n\r\nhi /c" + i), clients.get(i).get());
            }
            assertEquals(CLIENTS, servedOn.size());
            servedOn.forEach(h -> assertSame(hub, h));
            server.stop(1);
            assertEquals(greenletsBefore, hub.greenletCount(), "no connection or accept greenlet left");
            return null;
        }).get();
    }

    /** One request on a gevent4j socket, reading until the server closes. */
    private static String get(InetSocketAddress address, String path) throws Exception {
        try (StreamSocket s = StreamSocket.open(address)) {
            s.sendAll(("GET " + path + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = s.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
        }
    }
}
