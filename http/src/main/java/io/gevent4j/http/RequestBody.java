package io.gevent4j.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A request's body as the handler reads it: exactly {@code Content-Length} bytes, or the
 * decoded chunks of a chunked body with its trailer fields dropped, so that the next
 * pipelined request starts where this body ends. Broken framing throws
 * {@link HttpStatusException} (400; 413 past the body limit) and leaves the connection
 * unusable. The first read sends {@code 100 Continue} when the client asked for it.
 * Blocks the connection's greenlet while bytes are on their way. Hub-thread only.
 */
final class RequestBody extends InputStream {

    private static final int MAX_CHUNK_LINE = 1024;

    /** Sends {@code 100 Continue}: what the first read does when the client waits for it. */
    @FunctionalInterface
    interface ContinueAction {
        void send() throws IOException;
    }

    private final ConnectionInput in;
    private final Duration timeout;
    private final long maxBytes;
    private final int maxTrailerBytes;
    private final boolean chunked;
    private ContinueAction beforeFirstRead;
    /** Bytes left in the body (fixed length) or in the current chunk. */
    private long remaining;
    private long total;
    private boolean eof;
    private boolean broken;
    private boolean closed;
    private final byte[] one = new byte[1];

    RequestBody(ConnectionInput in, RequestHead head, HttpServerLimits limits, ContinueAction beforeFirstRead) {
        this.in = in;
        this.timeout = limits.ioTimeout();
        this.maxBytes = limits.maxBodyBytes();
        this.maxTrailerBytes = limits.maxHeaderBytes();
        this.chunked = head.chunked();
        this.remaining = chunked ? 0 : head.contentLength();
        this.eof = !chunked && remaining == 0;
        this.beforeFirstRead = eof ? null : beforeFirstRead;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("request body stream closed");
        }
        return readBody(b, off, len);
    }

    @Override
    public int available() {
        return eof ? 0 : (int) Math.min(remaining, in.available());
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Whether the whole body was read (the connection is positioned at the next request). */
    boolean complete() {
        return eof;
    }

    /** Whether the client still waits for {@code 100 Continue} before it sends the body. */
    boolean awaitingContinue() {
        return beforeFirstRead != null;
    }

    /**
     * Reads and drops what is left of the body, at most {@code limit} bytes.
     *
     * @return whether the body is now complete
     */
    boolean drain(long limit) throws IOException {
        if (eof) {
            return true;
        }
        byte[] sink = new byte[(int) Math.min(8192, Math.max(limit, 1))];
        long dropped = 0;
        while (!eof && dropped < limit) {
            int n = readBody(sink, 0, (int) Math.min(sink.length, limit - dropped));
            if (n > 0) {
                dropped += n;
            }
        }
        return eof;
    }

    private int readBody(byte[] b, int off, int len) throws IOException {
        if (broken) {
            throw new IOException("request body framing was broken");
        }
        if (eof) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (beforeFirstRead != null) {
            ContinueAction action = beforeFirstRead;
            beforeFirstRead = null;
            action.send();
        }
        try {
            if (remaining == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining), timeout);
            if (n < 0) {
                throw new HttpStatusException(400, "request body ended early");
            }
            remaining -= n;
            if (remaining == 0) {
                if (chunked) {
                    expectCrlf();
                } else {
                    eof = true;
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    /** Reads the next chunk's size line; false (and the trailer dropped) at the last chunk. */
    private boolean nextChunk() throws IOException {
        long size = 0;
        int digits = 0;
        int c = next();
        for (int d; (d = Character.digit(c, 16)) >= 0; c = next()) {
            if (++digits > 15) {
                throw new HttpStatusException(400, "chunk size too long");
            }
            size = size * 16 + d;
        }
        if (digits == 0) {
            throw new HttpStatusException(400, "malformed chunk size");
        }
        int lineBytes = digits;
        if (c == ';') {
            for (c = next(); c != '\r'; c = next()) {
                if ((c < 0x20 && c != '\t') || c == 0x7f || ++lineBytes > MAX_CHUNK_LINE) {
                    throw new HttpStatusException(400, "malformed chunk extension");
                }
            }
        }
        if (c != '\r' || next() != '\n') {
            throw new HttpStatusException(400, "malformed chunk size line");
        }
        total += size;
        if (total > maxBytes) {
            throw new HttpStatusException(413, "chunked body over the limit of " + maxBytes + " bytes");
        }
        if (size == 0) {
            dropTrailer();
            eof = true;
            return false;
        }
        remaining = size;
        return true;
    }

    private void dropTrailer() throws IOException {
        int lineLength = 0;
        int bytes = 0;
        for (;;) {
            int c = next();
            if (c == '\r') {
                if (next() != '\n') {
                    throw new HttpStatusException(400, "bare CR in the trailer");
                }
                if (lineLength == 0) {
                    return;
                }
                lineLength = 0;
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new HttpStatusException(400, "control byte in the trailer");
            } else {
                lineLength++;
            }
            if (++bytes > maxTrailerBytes) {
                throw new HttpStatusException(431, "trailer larger than " + maxTrailerBytes + " bytes");
            }
        }
    }

    private void expectCrlf() throws IOException {
        if (next() != '\r' || next() != '\n') {
            throw new HttpStatusException(400, "chunk data not followed by CRLF");
        }
    }

    private int next() throws IOException {
        int c = in.readByte(timeout);
        if (c < 0) {
            throw new HttpStatusException(400, "request body ended early");
        }
        return c;
    }
}
