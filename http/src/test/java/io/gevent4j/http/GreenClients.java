package io.gevent4j.http;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.Event;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of {@link ManyConnectionsTest}, run in a JVM of its own (each process has
 * its own limit on open files): {@code N} greenlets on one hub each open a connection and
 * send {@code GET /first}; once every one of them has its answer, all still connected, each
 * sends {@code GET /second} on the same connection, then closes. Prints
 * {@code answered N} and exits 0 if all {@code 2N} requests were answered with "hello".
 * Arguments: the server's port, N.
 */
final class GreenClients {

    private GreenClients() {
    }

    public static void main(String[] args) {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        int n = Integer.parseInt(args[1]);
        int[] firstDone = {0};
        Event allConnected = new Event();
        List<Greenlet<Void>> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(Gevent.spawn(() -> {
                try (StreamSocket s = StreamSocket.open(server)) {
                    try {
                        get(s, "/first");
                    } finally {
                        if (++firstDone[0] == n) {
                            allConnected.set();
                        }
                    }
                    allConnected.await();
                    get(s, "/second");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        Gevent.joinAll(clients);
        long answered = clients.stream().filter(Greenlet::successful).count();
        System.out.println("answered " + answered);
        clients.stream().filter(g -> !g.successful()).limit(3).forEach(g -> System.out.println("failed: " + g.exception()));
        System.exit(answered == n ? 0 : 1);
    }

    private static void get(StreamSocket s, String path) throws IOException {
        s.sendAll(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (!new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1).endsWith("\r\n\r\nhello")) {
            if (!in.hasRemaining() || s.read(in) < 0) {
                throw new IOException("bad or missing answer to " + path + ": "
                        + new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
            }
        }
    }
}
