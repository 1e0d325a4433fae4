package io.gevent4j.http;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Output held for a pipelined response: it waits for the responses after it while the
 * connection's greenlet runs, and leaves as soon as that greenlet blocks, in order and once,
 * however little the socket takes at a time.
 */
class ConnectionOutputTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** Fits the pooled array, and is more than the smallest send and receive buffers hold together (about 7 KB). */
    private static final int LARGE = 15_000;

    /** One connection on the test's hub: the server's side with its output, the client's socket. */
    private record Pair(StreamSocket client, StreamSocket accepted, ConnectionOutput out) implements AutoCloseable {

        static Pair open(boolean smallBuffers) throws IOException {
            try (ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                StreamSocket client = StreamSocket.open();
                if (smallBuffers) {
                    client.setOption(StandardSocketOptions.SO_RCVBUF, 1024);
                }
                client.connect(listener.getLocalAddress());
                StreamSocket accepted = listener.accept();
                if (smallBuffers) {
                    accepted.setOption(StandardSocketOptions.SO_SNDBUF, 1024);
                }
                client.setTimeout(LIMIT);
                Transport transport = new Transport(accepted, null, ByteBuffer.allocateDirect(BufferPool.SIZE));
                return new Pair(client, accepted, new ConnectionOutput(transport, new BufferPool(), LIMIT, Hub.current().loop()));
            }
        }

        /** Reads exactly {@code n} bytes, in small reads with a switch between them (a slow peer). */
        byte[] readSlowly(int n) throws IOException {
            ByteBuffer into = ByteBuffer.allocate(n);
            while (into.hasRemaining()) {
                ByteBuffer part = into.slice(into.position(), Math.min(1000, into.remaining()));
                int got = client.read(part);
                if (got < 0) {
                    throw new IOException("end of stream after " + into.position() + " of " + n + " bytes");
                }
                into.position(into.position() + got);
                Gevent.sleep(Duration.ZERO);
            }
            return into.array();
        }

        @Override
        public void close() throws IOException {
            out.close();
            accepted.close();
            client.close();
        }
    }

    /** A test body run in a greenlet with a fresh connection pair. */
    private interface PairTest {
        void run(Pair p) throws Exception;
    }

    private static void onPair(boolean smallBuffers, PairTest test) throws Exception {
        Gevent.spawn(() -> {
            try (Pair p = Pair.open(smallBuffers)) {
                test.run(p);
            }
            return null;
        }).get();
    }

    /** {@code n} bytes that repeat nowhere: a block sent twice or skipped shows. */
    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(ConnectionOutput out, byte[] b) throws IOException {
        out.write(b, 0, b.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void heldResponsesWaitWhileTheGreenletRunsAndLeaveTogetherWhenItBlocks() throws Exception {
        onPair(false, p -> {
            write(p.out(), ascii("first;"));
            p.out().endResponse(true);
            write(p.out(), ascii("second;"));
            p.out().endResponse(true);
            p.client().setTimeout(Duration.ZERO);
            assertThrows(java.net.SocketTimeoutException.class, () -> p.client().recv(64),
                    "nothing leaves while the greenlet that holds it runs");
            p.client().setTimeout(LIMIT);

            Event received = new Event();
            Greenlet<byte[]> peer = Gevent.spawn(() -> {
                byte[] got = p.readSlowly(13);
                received.set();
                return got;
            });
            assertTrue(received.await(LIMIT), "the held output left once this greenlet blocked");
            assertEquals("first;second;", new String(peer.get(), StandardCharsets.US_ASCII));
        });
    }

    @Test
    void whatTheSocketDoesNotTakeAtOnceIsWrittenAsThePeerReads() throws Exception {
        onPair(true, p -> {
            byte[] held = pattern(LARGE, 1);
            write(p.out(), held);
            p.out().endResponse(true);
            Event received = new Event();
            Greenlet<byte[]> peer = Gevent.spawn(() -> { // queued behind the hold's callback
                byte[] got = p.readSlowly(LARGE);
                received.set();
                return got;
            });
            assertTrue(received.await(LIMIT), "the rest was written while this greenlet still waited");
            assertArrayEquals(held, peer.get());

            write(p.out(), ascii("next"));
            p.out().flush();
            assertArrayEquals(ascii("next"), p.readSlowly(4), "the output is the greenlet's again");
        });
    }

    @Test
    void theGreenletsNextFlushTakesOverAPartlyWrittenHoldInOrder() throws Exception {
        onPair(true, p -> {
            byte[] first = pattern(LARGE, 1);
            byte[] second = pattern(LARGE, 2);
            write(p.out(), first);
            p.out().endResponse(true);
            Greenlet<byte[]> peer = Gevent.spawn(() -> p.readSlowly(2 * LARGE));
            Gevent.sleep(Duration.ZERO); // the hold's callback writes part, the peer reads some
            write(p.out(), second); // does not fit beside the first: the greenlet sends the rest itself
            p.out().flush();
            byte[] got = peer.get(LIMIT);
            assertArrayEquals(first, Arrays.copyOfRange(got, 0, LARGE), "the held bytes, each once");
            assertArrayEquals(second, Arrays.copyOfRange(got, LARGE, 2 * LARGE), "then the next, after them");
        });
    }

    @Test
    void aWriteLargerThanTheBuffersLeavesWholeAfterWhatWasGathered() throws Exception {
        onPair(true, p -> {
            byte[] body = pattern(100_000, 3);
            Greenlet<byte[]> peer = Gevent.spawn(() -> p.readSlowly(5 + body.length));
            write(p.out(), ascii("head;"));
            write(p.out(), body); // larger than the array and the hub's direct buffer: written past both
            p.out().flush();
            byte[] got = peer.get(LIMIT);
            assertEquals("head;", new String(got, 0, 5, StandardCharsets.US_ASCII));
            assertArrayEquals(body, Arrays.copyOfRange(got, 5, got.length));
        });
    }

    @Test
    void closingWhileOutputIsHeldSendsItBeforeTheConnectionCloses() throws Exception {
        onPair(false, p -> {
            write(p.out(), ascii("last response"));
            p.out().endResponse(true);
            p.out().close();
            p.accepted().close();
            assertEquals("last response", new String(p.readSlowly(13), StandardCharsets.US_ASCII));
            assertEquals(-1, p.client().read(ByteBuffer.allocate(1)), "then the end of the stream");
        });
    }

    @Test
    void anErrorMetWhileTheGreenletWasAwayIsThrownByItsNextFlush() throws Exception {
        onPair(false, p -> {
            p.client().setOption(StandardSocketOptions.SO_LINGER, 0);
            p.client().close(); // a reset
            assertThrows(IOException.class, () -> p.accepted().read(ByteBuffer.allocate(1)), "the reset arrived");
            write(p.out(), ascii("to nobody"));
            p.out().endResponse(true);
            Gevent.sleep(Duration.ZERO); // the hold's callback meets the reset
            assertThrows(IOException.class, p.out()::flush);
            assertThrows(IOException.class, () -> write(p.out(), ascii("more")),
                    "the output stays failed: nothing may follow a cut response");
        });
    }
}
