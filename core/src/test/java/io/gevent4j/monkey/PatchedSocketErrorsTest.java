package io.gevent4j.monkey;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

import static io.gevent4j.monkey.PatchedSocketTest.listen;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The patched socket's I/O errors are {@link SocketException}s, as the JDK's socket's are
 * ("to maintain compatibility", its {@code NioSocketImpl} says): code that tells a broken
 * connection by {@code catch (SocketException e)} sees it as with the JDK's socket. Runs in
 * the patched-socket JVM (core/pom.xml).
 */
class PatchedSocketErrorsTest {

    @BeforeAll
    static void patch() {
        Monkey.patchSocket();
    }

    @Test
    void aWriteToAConnectionThePeerResetIsASocketException() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                Socket peer = listener.accept();
                peer.setSoLinger(true, 0);
                peer.close(); // a reset
                OutputStream out = client.getOutputStream();
                IOException failed = null;
                for (int i = 0; i < 200 && failed == null; i++) { // the first writes may go out before the reset arrives
                    try {
                        out.write(new byte[1024]);
                        Gevent.sleep(0.01);
                    } catch (IOException e) {
                        failed = e;
                    }
                }
                assertNotNull(failed, "no write failed after the peer's reset");
                assertInstanceOf(SocketException.class, failed, "what the JDK's socket throws: " + failed);
            }
        });
    }

    /** {@code shutdownInput} from another greenlet ends a read waiting for the peer with end of stream, as the JDK's does. */
    @Test
    void shutdownInputEndsAWaitingReadWithEndOfStream() {
        FreshHub.run(() -> {
            try (ServerSocket listener = listen();
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                java.io.InputStream in = client.getInputStream();
                io.gevent4j.Greenlet<Integer> reader = Gevent.spawn(() -> in.read());
                Gevent.sleep(0.02);
                assertFalse(reader.ready(), "the reader waits for the peer");
                client.shutdownInput();
                assertEquals(-1, reader.get());
                peer.getOutputStream().write(1);
                assertEquals(-1, in.read(), "what arrives after is discarded");
                assertEquals(0, in.available());
            }
        });
    }
}
