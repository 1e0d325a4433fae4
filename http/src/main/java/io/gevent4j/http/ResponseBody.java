package io.gevent4j.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response's body as the handler writes it, framed as {@code sendResponseHeaders} chose:
 * exactly the announced length, chunks, bytes until the connection closes (HTTP/1.0), no
 * body at all (length -1, 204, 304), or, answering HEAD, a body that is counted and dropped
 * (as pywsgi drops it). Writing before the headers are sent, past the
 * announced length or after {@link #close()} throws {@link IOException}; closing short of the
 * announced length throws too and the connection is closed. {@link #close()} completes the
 * response and sends it, unless the next request is buffered already (pipelined): then it is
 * held for the next response to join it, and leaves at the latest when the connection's
 * greenlet next blocks (see {@link ConnectionOutput}). Blocks the connection's greenlet while
 * the peer is slow to read. Hub-thread only.
 */
final class ResponseBody extends OutputStream {

    /** How the body is delimited on the wire. */
    enum Framing { NONE, HEAD, FIXED, CHUNKED, UNTIL_CLOSE }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionOutput out;
    private final ConnectionInput in;
    private Framing framing;
    private long remaining;
    private long written;
    private boolean closed;

    ResponseBody(ConnectionOutput out, ConnectionInput in) {
        this.out = out;
        this.in = in;
    }

    void begin(Framing framing, long length) {
        this.framing = framing;
        this.remaining = length;
    }

    boolean started() {
        return framing != null;
    }

    /** Whether the response is complete on the wire and the connection may carry another. */
    boolean completeForReuse() {
        return closed && (framing == Framing.NONE || framing == Framing.HEAD || framing == Framing.CHUNKED
                || (framing == Framing.FIXED && remaining == 0));
    }

    /** Body bytes the handler wrote. */
    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (framing == null) {
            throw new IOException("response headers not sent: call sendResponseHeaders first");
        }
        if (closed) {
            throw new IOException("response body stream closed");
        }
        if (len == 0) {
            return;
        }
        switch (framing) {
            case NONE -> throw new IOException("this response has no body (length -1, 204 or 304)");
            case HEAD -> { }
            case FIXED -> {
                if (len > remaining) {
                    throw new IOException("too many bytes to write to stream: " + len + " > " + remaining + " left");
                }
                remaining -= len;
                out.write(b, off, len);
            }
            case CHUNKED -> {
                out.writeLatin1(Integer.toHexString(len));
                out.write(CRLF, 0, 2);
                out.write(b, off, len);
                out.write(CRLF, 0, 2);
            }
            case UNTIL_CLOSE -> out.write(b, off, len);
        }
        written += len;
    }

    @Override
    public void flush() throws IOException {
        if (framing != null && !closed) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed || framing == null) {
            return;
        }
        closed = true;
        if (framing == Framing.CHUNKED) {
            out.write(LAST_CHUNK, 0, LAST_CHUNK.length);
        }
        out.endResponse(in.available() > 0);
        if (framing == Framing.FIXED && remaining > 0) {
            throw new IOException("insufficient bytes written to stream: " + remaining + " left of the announced length");
        }
    }
}
