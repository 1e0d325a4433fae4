package io.gevent4j.subprocess;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A greenlet that reads one of a process's output pipes to its end, keeping what it read so
 * that a communicate that timed out can report the output so far and a later one all of it.
 * Hub-thread only.
 */
final class Drain {

    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    private final Greenlet<Void> reader;

    Drain(InputStream in) {
        this.reader = Gevent.spawn(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    read.write(buf, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Waits until the pipe ended. */
    static void join(Drain drain) {
        if (drain != null) {
            drain.reader.join();
        }
    }

    /** What {@code drain} read so far, or {@code null} for no drain. */
    static byte[] soFar(Drain drain) {
        return drain == null ? null : drain.read.toByteArray();
    }

    /**
     * Everything {@code drain} read, or {@code null} for no drain.
     *
     * @throws IOException if reading the pipe failed
     */
    static byte[] all(Drain drain) throws IOException {
        if (drain == null) {
            return null;
        }
        try {
            drain.reader.get();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return drain.read.toByteArray();
    }
}
