package io.gevent4j.backdoor;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions driven through real TCP clients on 127.0.0.1. The clients are
 * {@code java.net.Socket}s in greenlets of the server's hub (cooperative), so one thread
 * runs server and client.
 */
class BackdoorServerTest {

    private static final int READ_TIMEOUT_MILLIS = 60_000;

    @Test
    void aSessionEvaluatesJavaAgainstTheProcessesObjects() {
        FreshHub.run(() -> {
            AtomicInteger counter = new AtomicInteger(41);
            try (BackdoorServer server = BackdoorServer.builder().local("counter", counter).start()) {
                List<String> replies = Gevent.spawn(() -> {
                    try (Client c = new Client(server.address())) {
                        c.readUntil("jshell> ");
                        List<String> out = new ArrayList<>();
                        out.add(c.eval("counter.incrementAndGet()"));
                        out.add(c.eval("int twice = counter.get() * 2;"));
                        out.add(c.eval("for (int i = 0; i < 3; i++) {"));
                        out.add(c.eval("  counter.incrementAndGet(); }"));
                        out.add(c.eval("Gevent.getHub() == " + Hub.class.getName() + ".current()"));
                        out.add(c.eval("Integer.parseInt(\"x\")"));
                        out.add(c.eval("undefinedName + 1"));
                        c.send("/exit");
                        out.add(c.readUntil("bye"));
                        return out;
                    }
                }).get();
                assertTrue(replies.get(0).contains("==> 42"), replies.get(0));
                assertTrue(replies.get(1).contains("twice ==> 84"), replies.get(1));
                assertTrue(replies.get(2).isEmpty(), "a block goes on over lines: " + replies.get(2));
                assertEquals(45, counter.get());
                assertTrue(replies.get(4).contains("==> true"), "snippets run in the session's greenlet: " + replies.get(4));
                assertTrue(replies.get(5).contains("exception java.lang.NumberFormatException"), replies.get(5));
                assertTrue(replies.get(6).contains("error: "), replies.get(6));
            }
        });
    }

    @Test
    void aWrongPasswordEndsTheConnectionAndTheRightOneOpensIt() {
        FreshHub.run(() -> {
            try (BackdoorServer server = BackdoorServer.builder().password("s3cret").local("answer", 42).start()) {
                Greenlet<String> wrong = Gevent.spawn(() -> {
                    try (Client c = new Client(server.address())) {
                        c.readUntil("Password: ");
                        c.send("guess");
                        return c.readToEnd();
                    }
                });
                Greenlet<String> right = Gevent.spawn(() -> {
                    try (Client c = new Client(server.address())) {
                        c.readUntil("Password: ");
                        c.send("s3cret");
                        c.readUntil("jshell> ");
                        return c.eval("answer + 1");
                    }
                });
                String refused = wrong.get();
                assertTrue(refused.contains("wrong password"), refused);
                assertTrue(!refused.contains("jshell>"), refused);
                assertTrue(right.get().contains("==> 43"), right.get());
            }
        });
    }

    @Test
    void aPasswordLineWithoutEndIsRefusedInsteadOfBuffered() {
        FreshHub.run(() -> {
            try (BackdoorServer server = BackdoorServer.builder().password("s3cret").start()) {
                String ended = Gevent.spawn(() -> {
                    try (Client c = new Client(server.address())) {
                        c.socket.setSoTimeout(20_000);
                        c.readUntil("Password: ");
                        c.out.write("s".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII));
                        c.out.flush();
                        try {
                            return "ended: " + c.readToEnd();
                        } catch (SocketTimeoutException e) {
                            return "still waiting for the line's end";
                        } catch (SocketException e) {
                            return "ended: reset";
                        }
                    }
                }).get();
                assertTrue(ended.startsWith("ended: "), ended);
                assertTrue(!ended.contains("jshell>"), ended);
            }
        });
    }

    @Test
    void aClientSilentPastThePasswordTimeoutIsDisconnected() {
        FreshHub.run(() -> {
            try (BackdoorServer server = BackdoorServer.builder().password("s3cret")
                    .passwordTimeout(Duration.ofMillis(300)).start()) {
                String ended = Gevent.spawn(() -> {
                    try (Client c = new Client(server.address())) {
                        c.readUntil("Password: ");
                        return c.readToEnd();
                    }
                }).get();
                assertTrue(ended.contains("no password within 300 ms"), ended);
                assertTrue(!ended.contains("jshell>"), ended);
            }
        });
    }

    @Test
    void thePasswordTimeoutBoundsTheWholeLineNotEachByte() {
        FreshHub.run(() -> {
            try (BackdoorServer server = BackdoorServer.builder().password("s3cret")
                    .passwordTimeout(Duration.ofMillis(500)).start()) {
                String ended = Gevent.spawn(() -> {
                    try (Client c = new Client(server.address())) {
                        c.readUntil("Password: ");
                        try {
                            for (int i = 0; i < 200 && !c.in.ready(); i++) { // 20 s at most, far past the timeout
                                c.out.write('s');
                                c.out.flush();
                                Gevent.sleep(0.1);
                            }
                        } catch (SocketException closed) {
                            // the server closed the connection while the client still sent
                        }
                        return c.readUntil(" ms"); // not to the end: bytes sent after the close may reset it
                    }
                }).get();
                assertTrue(ended.contains("no password within 500 ms"), ended);
            }
        });
    }

    @Test
    void thePasswordTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> BackdoorServer.builder().passwordTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> BackdoorServer.builder().passwordTimeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> BackdoorServer.builder().passwordTimeout(null));
    }

    @Test
    void aNonLoopbackAddressIsRefusedUnlessAllowed() throws Exception {
        InetAddress external = nonLoopbackAddress();
        FreshHub.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BackdoorServer.builder().bind(new InetSocketAddress("0.0.0.0", 0)).start());
            assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
            if (external != null) {
                assertThrows(IllegalArgumentException.class,
                        () -> BackdoorServer.builder().bind(new InetSocketAddress(external, 0)).start());
            }
            assertThrows(IllegalArgumentException.class, () -> BackdoorServer.builder().local("not a name", 1));
            try (BackdoorServer server = BackdoorServer.builder().start()) {
                assertTrue(server.address().getAddress().isLoopbackAddress(), server.address().toString());
            }
        });
    }

    @Test
    void stopEndsTheSessions() {
        FreshHub.run(() -> {
            BackdoorServer server = BackdoorServer.builder().start();
            Greenlet<String> client = Gevent.spawn(() -> {
                try (Client c = new Client(server.address())) {
                    c.readUntil("jshell> ");
                    return c.readToEnd();
                }
            });
            while (!server.toString().contains("1 session")) {
                Gevent.sleep(0.01);
            }
            server.stop();
            assertTrue(server.toString().contains("0 session"), server.toString());
            client.get(); // the client saw the end of the stream
            assertThrows(IOException.class, () -> new Socket(server.address().getAddress(), server.address().getPort()).close());
        });
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** A line client over a plain java.net.Socket. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Client(InetSocketAddress address) throws IOException {
            socket = new Socket(address.getAddress(), address.getPort());
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends a line and returns what came back before the next prompt (either kind). */
        String eval(String line) throws IOException {
            send(line);
            StringBuilder sb = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return sb.toString();
                }
                sb.append((char) c);
                if (sb.toString().endsWith("jshell> ") || sb.toString().endsWith("   ...> ")) {
                    return sb.substring(0, sb.length() - 8).strip();
                }
            }
        }

        String readUntil(String marker) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while (!sb.toString().endsWith(marker) && (c = in.read()) >= 0) {
                sb.append((char) c);
            }
            return sb.toString();
        }

        String readToEnd() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                sb.append((char) c);
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
