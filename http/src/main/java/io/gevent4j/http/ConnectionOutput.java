package io.gevent4j.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection's outgoing bytes: the response head and body are gathered in one pooled
 * array and sent together when it fills, on {@link #flush()} or at the end of the exchange,
 * so that a head and a small body leave in one write. Between exchanges it holds no array.
 * Hub-thread only.
 */
final class ConnectionOutput {

    private final Transport transport;
    private final BufferPool pool;
    private final Duration timeout;
    private byte[] a;
    private ByteBuffer view;
    private int count;

    ConnectionOutput(Transport transport, BufferPool pool, Duration timeout) {
        this.transport = transport;
        this.pool = pool;
        this.timeout = timeout;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > BufferPool.SIZE) {
            flush();
            send(ByteBuffer.wrap(b, off, len));
            return;
        }
        ensure(len);
        System.arraycopy(b, off, a, count, len);
        count += len;
    }

    /** Appends {@code s}, whose characters are all Latin-1 (the caller checked). */
    void writeLatin1(String s) throws IOException {
        int len = s.length();
        if (len > BufferPool.SIZE) {
            write(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, len);
            return;
        }
        ensure(len);
        for (int i = 0; i < len; i++) {
            a[count++] = (byte) s.charAt(i);
        }
    }

    void flush() throws IOException {
        if (count > 0) {
            view.clear().limit(count);
            count = 0;
            send(view);
        }
    }

    /** Flushes and gives the array back to the pool. */
    void finish() throws IOException {
        try {
            flush();
        } finally {
            release();
        }
    }

    /** Gives the array back, dropping anything unsent; the connection is closing. */
    void release() {
        if (a != null) {
            pool.release(a);
            a = null;
            view = null;
            count = 0;
        }
    }

    private void ensure(int n) throws IOException {
        if (a == null) {
            a = pool.acquire();
            view = ByteBuffer.wrap(a);
        }
        if (count + n > a.length) {
            flush();
        }
    }

    private void send(ByteBuffer b) throws IOException {
        transport.setTimeout(timeout);
        transport.sendAll(b);
    }
}
