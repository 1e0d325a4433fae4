package io.gevent4j.fileobject;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileObjectsTest {

    @TempDir
    Path dir;

    @Test
    void streamsWriteAndReadAFileLargerThanOneChunk() {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("data");
        FreshHub.run(() -> {
            try (OutputStream out = FileObjects.newOutputStream(file)) {
                out.write(data, 0, 1000);
                out.write(data, 1000, data.length - 1000);
            }
            assertArrayEquals(data, Files.readAllBytes(file));
            try (InputStream in = FileObjects.newInputStream(file)) {
                assertArrayEquals(data, in.readAllBytes());
                assertEquals(-1, in.read());
            }
        });
    }

    @Test
    void aBlockedPipeReadLetsTheHubsOtherGreenletsRun() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            ThreadedInputStream in = new ThreadedInputStream(Channels.newInputStream(pipe.source()));
            Greenlet<String> reader = Gevent.spawn(() -> {
                byte[] b = new byte[16];
                int n = in.read(b);
                return new String(b, 0, n, StandardCharsets.US_ASCII);
            });
            Greenlet<String> other = Gevent.spawn(() -> "ran");
            assertEquals("ran", other.get(), "another greenlet ran while the reader waited");
            Gevent.sleep(0.05);
            assertFalse(reader.ready(), "the reader still waits for input");
            pipe.sink().write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("ping", reader.get());
            pipe.sink().close();
            assertEquals(-1, in.read());
            in.close();
        });
    }

    @Test
    void aTimeoutDuringAReadLosesNothing() {
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            ThreadedInputStream in = new ThreadedInputStream(Channels.newInputStream(pipe.source()));
            byte[] big = new byte[16];
            byte[] b = new byte[3];
            assertThrows(Timeout.class, () -> Gevent.withTimeout(Duration.ofMillis(50), () -> in.read(big)));
            pipe.sink().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(3, in.read(b));
            assertEquals("hel", new String(b, StandardCharsets.US_ASCII));
            assertEquals(2, in.available());
            assertEquals(2, in.read(b));
            assertEquals("lo", new String(b, 0, 2, StandardCharsets.US_ASCII));
            pipe.sink().close();
            assertEquals(-1, in.read(b));
            in.close();
        });
    }

    @Test
    void theChannelReadsWritesSeeksAndTruncates() {
        Path file = dir.resolve("channel");
        FreshHub.run(() -> {
            try (ThreadedFileChannel ch = FileObjects.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertEquals(11, ch.write(ByteBuffer.wrap("hello world".getBytes(StandardCharsets.US_ASCII))));
                assertEquals(11, ch.position());
                assertEquals(11, ch.size());
                ch.position(6);
                ByteBuffer dst = ByteBuffer.allocate(16);
                assertEquals(5, ch.read(dst));
                assertEquals("world", new String(dst.array(), 0, 5, StandardCharsets.US_ASCII));
                assertEquals(-1, ch.read(dst.clear()));
                ch.truncate(5);
                ch.force(false);
                assertEquals(5, ch.size());
                assertTrue(ch.isOpen());
            }
            assertEquals("hello", Files.readString(file));
        });
    }

    @Test
    void anOpenThatFailsThrowsWhatFilesWould() {
        FreshHub.run(() -> assertThrows(java.nio.file.NoSuchFileException.class,
                () -> FileObjects.newInputStream(dir.resolve("missing"))));
    }

    @Test
    void aWriteATimeoutAbandonedCompletesBeforeTheNextOne() {
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'x');
        FreshHub.run(() -> {
            Pipe pipe = Pipe.open();
            ThreadedOutputStream out = new ThreadedOutputStream(Channels.newOutputStream(pipe.sink()));
            ThreadedInputStream in = new ThreadedInputStream(Channels.newInputStream(pipe.source()));
            assertThrows(Timeout.class, () -> Gevent.withTimeout(Duration.ofMillis(50), () -> {
                out.write(big);
                return null;
            }));
            Greenlet<byte[]> reader = Gevent.spawn(() -> in.readAllBytes());
            out.write("tail".getBytes(StandardCharsets.US_ASCII));
            out.close();
            byte[] all = reader.get();
            assertEquals(big.length + 4, all.length);
            assertArrayEquals(big, Arrays.copyOf(all, big.length));
            assertEquals("tail", new String(all, big.length, 4, StandardCharsets.US_ASCII));
            in.close();
        });
    }

    @Test
    void stdinIsReadWithoutStallingTheHub() throws Exception {
        InputStream original = System.in;
        try {
            Pipe pipe = Pipe.open();
            System.setIn(Channels.newInputStream(pipe.source()));
            FreshHub.run(() -> {
                assertSame(FileObjects.stdin(), FileObjects.stdin());
                Greenlet<String> reader = Gevent.spawn(() ->
                        new BufferedReader(new InputStreamReader(FileObjects.stdin(), StandardCharsets.UTF_8)).readLine());
                int[] ticks = {0};
                Greenlet<Void> ticker = Gevent.spawn(() -> {
                    while (ticks[0] < 3) {
                        Gevent.sleep(0.01);
                        ticks[0]++;
                    }
                });
                ticker.join();
                assertFalse(reader.ready(), "the reader waits for a line while the ticker ran");
                pipe.sink().write(ByteBuffer.wrap("a line\n".getBytes(StandardCharsets.UTF_8)));
                assertEquals("a line", reader.get());
                pipe.sink().close();
            });
        } finally {
            System.setIn(original);
        }
    }
}
