package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.hub.HubGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JDK channels on whatever loop the hub runs (the JDK selector itself, or nested in an epoll
 * of the loop's own): a channel registered just before the loop sleeps is seen, a closed one
 * releases its descriptor, and hubs release everything they opened.
 */
class NestedSelectorReviewTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aDatagramThatArrivesWhileTheHubSleepsWakesItsReceiver() throws Exception {
        try (DatagramChannel sender = DatagramChannel.open()) {
            String got = FreshHub.call(() -> {
                try (UdpSocket udp = UdpSocket.open(StandardProtocolFamily.INET)) {
                    udp.bind(new InetSocketAddress(Net.LOOPBACK, 0));
                    udp.setTimeout(BOUND);
                    SocketAddressHolder.address = (InetSocketAddress) udp.getLocalAddress();
                    Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(200);
                            sender.send(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII)),
                                    SocketAddressHolder.address);
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
                    ByteBuffer b = ByteBuffer.allocate(100);
                    udp.receive(b); // registers the channel, then the hub sleeps
                    return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
                }
            });
            assertEquals("late", got);
        }
    }

    /** Hands the receiver's address to the sending thread. */
    private static final class SocketAddressHolder {
        static volatile InetSocketAddress address;
    }

    @Test
    void aUnixDomainReadWokenByAnotherThreadsWrite() throws Exception {
        Path dir = Files.createTempDirectory("review5");
        Path path = dir.resolve("s");
        try {
            String got = FreshHub.call(() -> {
                try (ListeningSocket server = ListeningSocket.bind(UnixDomainSocketAddress.of(path))) {
                    Thread peer = Thread.ofPlatform().start(() -> {
                        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                            Thread.sleep(200);
                            c.write(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII)));
                            c.read(ByteBuffer.allocate(1));
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
                    try (StreamSocket conn = server.accept()) {
                        conn.setTimeout(BOUND);
                        byte[] data = conn.recv(100);
                        conn.close();
                        peer.join();
                        return new String(data, StandardCharsets.US_ASCII);
                    }
                }
            });
            assertEquals("late", got);
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    /** A UNIX-domain pair (JDK channels on every loop) that waited once, then closed. */
    private static void unixDomainPairWaitedAndClosed(Path path) throws IOException {
        try (ListeningSocket server = ListeningSocket.bind(UnixDomainSocketAddress.of(path))) {
            StreamSocket client = StreamSocket.open(UnixDomainSocketAddress.of(path));
            StreamSocket conn = server.accept();
            client.setTimeout(Duration.ofMillis(10));
            assertThrows(SocketTimeoutException.class, () -> client.recv(10)); // registered in the selector
            client.close();
            conn.close();
        }
        Files.delete(path);
    }

    @Test
    void closedRegisteredChannelsReleaseTheirDescriptors() throws Exception {
        Path dir = Files.createTempDirectory("review5");
        try {
            FreshHub.run(() -> {
                unixDomainPairWaitedAndClosed(dir.resolve("warm"));
                Gevent.sleep(0.05);
                long before = openFds();
                for (int i = 0; i < 20; i++) {
                    unixDomainPairWaitedAndClosed(dir.resolve("s" + i));
                }
                Gevent.sleep(0.05); // the hub polls
                long after = openFds();
                assertTrue(after <= before, "descriptors before " + before + ", after " + after);
            });
        } finally {
            Files.delete(dir);
        }
    }

    private static void hubWithAConnection() {
        FreshHub.run(() -> {
            StreamSocket[] p = Net.pair();
            p[0].sendAll("x".getBytes(StandardCharsets.US_ASCII));
            p[1].setTimeout(BOUND);
            assertEquals(1, p[1].recv(10).length);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void closedHubsReleaseEveryDescriptor() throws Exception {
        hubWithAConnection();
        long before = openFds();
        for (int i = 0; i < 30; i++) {
            hubWithAConnection();
        }
        long after = openFds();
        assertTrue(after <= before + 2, "descriptors before " + before + ", after " + after);
    }

    @Test
    void closedHubGroupsReleaseEveryDescriptor() throws Exception {
        try (HubGroup warm = HubGroup.start(2)) {
            assertEquals(2, warm.size());
        }
        long before = openFds();
        for (int i = 0; i < 10; i++) {
            try (HubGroup group = HubGroup.start(2)) {
                assertEquals(2, group.size());
            }
        }
        long after = openFds();
        assertTrue(after <= before + 2, "descriptors before " + before + ", after " + after);
    }

    @Test
    void oneSelectOverADatagramChannelAndAStreamSocketSeesEach() throws Exception {
        try (DatagramChannel sender = DatagramChannel.open()) {
            FreshHub.run(() -> {
                StreamSocket[] p = Net.pair();
                try (UdpSocket udp = UdpSocket.open(StandardProtocolFamily.INET)) {
                    udp.bind(new InetSocketAddress(Net.LOOPBACK, 0));
                    InetSocketAddress target = (InetSocketAddress) udp.getLocalAddress();
                    Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(200);
                            sender.send(ByteBuffer.wrap(new byte[] {1}), target);
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
                    List<Object> sources = List.of(udp, p[1]);
                    assertEquals(List.of(udp), Select.select(sources, List.of(), BOUND).readable());
                    udp.receive(ByteBuffer.allocate(10));
                    p[0].sendAll(new byte[] {2});
                    assertEquals(List.of(p[1]), Select.select(sources, List.of(), BOUND).readable());
                }
                p[0].close();
                p[1].close();
            });
        }
    }
}
