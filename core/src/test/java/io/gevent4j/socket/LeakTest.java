package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults repeated many times leave no file descriptor and no greenlet behind. */
class LeakTest {

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void faultsLeakNoDescriptorsNorGreenlets() {
        FreshHub.run(() -> {
            TestCerts certs = TestCerts.get();
            Hub hub = Hub.current();
            List<Throwable> reported = new ArrayList<>();
            hub.setErrorHandler((ctx, t) -> reported.add(t));
            int closedPort;
            try (ListeningSocket s = Net.listen()) {
                closedPort = Net.addressOf(s).getPort();
            }
            ListeningSocket server = Net.listen();
            Greenlet<Void> acceptor = Gevent.spawn(() -> {
                while (true) {
                    StreamSocket c = server.accept();
                    Gevent.spawn(() -> {
                        try (TlsSocket tls = TlsSocket.server(c, certs.wrongNameServer)) {
                            tls.handshake();
                        }
                        return null;
                    });
                }
            });
            Gevent.sleep(0.01);
            long fdsBefore = openFds();
            int greenletsBefore = hub.greenletCount();
            for (int i = 0; i < 30; i++) {
                assertThrows(ConnectException.class, () -> Sockets.createConnection(
                        new InetSocketAddress(Net.LOOPBACK, closedPort), Duration.ofSeconds(5), null));
                try (TlsSocket tls = TlsSocket.client(StreamSocket.open(Net.addressOf(server)), certs.client, "localhost")) {
                    assertThrows(IOException.class, tls::handshake);
                }
                StreamSocket[] p = Net.pair();
                p[0].setTimeout(Duration.ofMillis(1));
                assertThrows(SocketTimeoutException.class, () -> p[0].read(ByteBuffer.allocate(1)));
                Timeout.run(Duration.ofMillis(1), () -> Select.select(List.of(p[1]), List.of(), null));
                p[0].close();
                p[1].close();
            }
            Gevent.sleep(0.1);
            assertEquals(greenletsBefore, hub.greenletCount(), "every server greenlet ended");
            long fdsAfter = openFds();
            assertTrue(fdsAfter <= fdsBefore + 2, "descriptors before " + fdsBefore + ", after " + fdsAfter);
            assertEquals(30, reported.size(), "each failed server handshake reported once");
            acceptor.kill();
            server.close();
        });
    }

    @Test
    void aSocketNoHubCanServeThrowsAndClosesItsChannel() throws Exception {
        InetSocketAddress local;
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress(Net.LOOPBACK, 0))) {
            local = (InetSocketAddress) probe.getLocalAddress();
        }
        SocketChannel adopted = SocketChannel.open();
        try (var jdkVirtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            jdkVirtualThreads.submit(() -> {
                assertThrows(IllegalStateException.class, () -> StreamSocket.adopt(adopted));
                assertThrows(IllegalStateException.class, () -> ListeningSocket.bind(local));
                return null;
            }).get();
        }
        assertFalse(adopted.isOpen(), "the adopted channel is closed");
        try (ServerSocketChannel again = ServerSocketChannel.open().bind(local)) {
            assertEquals(local, again.getLocalAddress(), "the failed listening socket freed its port");
        }
    }
}
