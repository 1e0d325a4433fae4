package io.gevent4j.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The bytes a connection has received and not yet consumed. Every read lands in the
 * server's one scratch buffer and is copied into an array from the pool at once, before
 * the greenlet can switch, so a connection waiting for its next request holds no buffer
 * of its own: {@link #releaseIfEmpty()} returns it. A read that has to wait first sends the
 * output the connection holds (responses to pipelined requests wait there to leave in one
 * write), so the peer never waits for a response while this side waits for the peer.
 * Hub-thread only.
 *
 * <p>A read that has to wait lets other connections' greenlets run, and their reads use the
 * scratch buffer meanwhile: when this one resumes, the buffer may be left full (position at
 * limit), so its read returns 0. {@link #fill} then clears the buffer and reads again; only
 * -1 is the end of the stream.
 *
 * <p>The unread bytes are {@code array()[start(), end())}; consumers advance
 * {@link #consume}.
 */
final class ConnectionInput {

    private final Transport transport;
    private final ConnectionOutput out;
    private final BufferPool pool;
    private final ByteBuffer scratch;
    private byte[] a;
    private int start;
    private int end;

    ConnectionInput(Transport transport, ConnectionOutput out, BufferPool pool, ByteBuffer scratch) {
        this.transport = transport;
        this.out = out;
        this.pool = pool;
        this.scratch = scratch;
    }

    byte[] array() {
        return a;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    int available() {
        return end - start;
    }

    void consume(int n) {
        start += n;
    }

    /**
     * Sends the output held back, then waits up to {@code timeout} for more bytes and
     * appends them.
     *
     * @return how many arrived, or -1 at end of stream
     * @throws java.net.SocketTimeoutException if none arrive in time
     */
    int fill(Duration timeout) throws IOException {
        out.finishHeld();
        transport.setTimeout(timeout);
        int n;
        do {
            scratch.clear();
            n = transport.read(scratch);
        } while (n == 0);
        if (n < 0) {
            return -1;
        }
        makeRoom(n);
        scratch.flip();
        scratch.get(a, end, n);
        end += n;
        return n;
    }

    /** Reads the next byte, waiting up to {@code timeout} for it; -1 at end of stream. */
    int readByte(Duration timeout) throws IOException {
        if (start == end && fill(timeout) < 0) {
            return -1;
        }
        return a[start++] & 0xff;
    }

    /** Copies up to {@code len} bytes into {@code b}, waiting for some if none are here; -1 at end of stream. */
    int read(byte[] b, int off, int len, Duration timeout) throws IOException {
        if (start == end && fill(timeout) < 0) {
            return -1;
        }
        int n = Math.min(len, end - start);
        System.arraycopy(a, start, b, off, n);
        start += n;
        return n;
    }

    /** Returns the array to the pool if every byte was consumed (the connection is idle). */
    void releaseIfEmpty() {
        if (a != null && start == end) {
            pool.release(a);
            a = null;
            start = end = 0;
        }
    }

    /** Returns the array to the pool, dropping unread bytes; the connection is closing. */
    void release() {
        if (a != null) {
            pool.release(a);
            a = null;
            start = end = 0;
        }
    }

    private void makeRoom(int n) {
        if (a == null) {
            a = pool.acquire();
            start = end = 0;
        }
        if (end + n <= a.length) {
            return;
        }
        int unread = end - start;
        byte[] target = unread + n <= a.length ? a : new byte[Math.max(2 * a.length, unread + n)];
        System.arraycopy(a, start, target, 0, unread);
        if (target != a) {
            pool.release(a);
            a = target;
        }
        start = 0;
        end = unread;
    }
}
