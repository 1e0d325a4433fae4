package io.gevent4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each seed example, started as {@code ./gevent4j run NAME 0} starts it and driven by a real client. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExamplesTest {

    @Test
    void echo() throws Exception {
        try (ExampleProcess echo = new ExampleProcess("echo", "0");
             TextClient client = new TextClient(echo.listening())) {
            client.send("hello");
            assertEquals("hello", client.readLine());
            client.send("second line");
            assertEquals("second line", client.readLine());
            client.socket.shutdownOutput();
            assertNull(client.readLine(), "the server ends the connection when the client does");
        }
    }

    @Test
    void chat() throws Exception {
        try (ExampleProcess chat = new ExampleProcess("chat", "0")) {
            InetSocketAddress address = chat.listening();
            try (TextClient alice = new TextClient(address); TextClient bob = new TextClient(address)) {
                alice.readUntil("Please enter your name: ");
                alice.send("alice");
                bob.readUntil("Please enter your name: ");
                bob.send("   ");
                bob.readUntil("Please enter your name: ");
                bob.send("alice");
                assertEquals("That username is already taken.\nPlease enter your name: ",
                        bob.readUntil("Please enter your name: "));
                bob.send("bob");
                assertEquals("## bob joined from 127.0.0.1.", alice.readLine());
                bob.send("  hi there  ");
                assertEquals("bob> hi there", alice.readLine());
                assertEquals("bob> hi there", bob.readLine());
                alice.send("hello bob");
                assertEquals("alice> hello bob", bob.readLine());
                assertEquals("alice> hello bob", alice.readLine());
                bob.close();
                assertEquals("## bob left the chat.", alice.readLine());
                try (TextClient bobAgain = new TextClient(address)) {
                    bobAgain.readUntil("Please enter your name: ");
                    bobAgain.send("bob");
                    assertEquals("## bob joined from 127.0.0.1.", alice.readLine(), "the name is free again");
                }
            }
        }
    }

    @Test
    void portforward() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread upper = Thread.ofPlatform().daemon().start(() -> serveUppercase(target));
            try (ExampleProcess forward = new ExampleProcess("portforward", "0", String.valueOf(target.getLocalPort()))) {
                InetSocketAddress address = forward.listening();
                assertEquals("forwarding to 127.0.0.1:" + target.getLocalPort(), forward.readLine());
                for (int i = 0; i < 3; i++) {
                    try (TextClient client = new TextClient(address)) {
                        client.send("hello " + i);
                        assertEquals("HELLO " + i, client.readLine());
                        client.socket.shutdownOutput();
                        assertNull(client.readLine(), "a half-close goes through, and the end comes back");
                    }
                }
            }
            target.close();
            upper.join(10_000);
        }
    }

    /** Answers each connection with what it sends, upper-cased, until it half-closes. */
    private static void serveUppercase(ServerSocket target) {
        while (!target.isClosed()) {
            try (Socket s = target.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                for (int b; (b = in.read()) >= 0; ) {
                    out.write(Character.toUpperCase(b));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void udpEchoAndItsClient() throws Exception {
        try (ExampleProcess server = new ExampleProcess("udp-echo", "0")) {
            InetSocketAddress address = server.listening();
            try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                client.setSoTimeout(20_000);
                byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(ping, ping.length, address));
                DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                client.receive(reply);
                assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
                assertTrue(server.readLine().endsWith(": got 4 bytes"));
            }
            try (ExampleProcess client = new ExampleProcess("udp-client", String.valueOf(address.getPort()), "from the client")) {
                assertEquals("Sending 15 bytes to 127.0.0.1:" + address.getPort(), client.readLine());
                assertEquals("Received: from the client", client.readLine());
                assertEquals(0, client.exitStatus());
            }
        }
    }

    @Test
    void unixEcho() throws Exception {
        Path dir = Files.createTempDirectory("gevent4j-example");
        Path path = dir.resolve("echo.sock");
        try (ExampleProcess echo = new ExampleProcess("unix-echo", path.toString())) {
            assertEquals("listening on " + path, echo.readLine());
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(path));
                client.write(ByteBuffer.wrap("over unix\n".getBytes(StandardCharsets.UTF_8)));
                client.shutdownOutput();
                byte[] reply = Channels.newInputStream(client).readAllBytes();
                assertEquals("over unix\n", new String(reply, StandardCharsets.UTF_8));
            }
        } finally {
            assertFalse(Files.exists(path), "the example removed its socket file on exit");
            Files.delete(dir);
        }
    }

    @Test
    void download() throws Exception {
        try (ExampleProcess download = new ExampleProcess("download", "0")) {
            download.listening();
            String summary = download.readLine();
            assertTrue(summary.toLowerCase(Locale.ROOT).startsWith("100 downloads (")
                    && summary.contains("through Pool(20): at most 20 at once"), summary);
            assertEquals(0, download.exitStatus());
        }
    }
}
