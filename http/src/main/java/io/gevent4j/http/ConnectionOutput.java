package io.gevent4j.http;

import io.gevent4j.hub.Watcher;
import io.gevent4j.hub.Loop;

import java.io.IOException;
import java.time.Duration;

/**
 * A connection's outgoing bytes: the response head and body are gathered in one pooled
 * array and sent together when it fills, on {@link #flush()} or at the end of the exchange,
 * so that a head and a small body leave in one write. Between exchanges it holds no array.
 * Hub-thread only.
 *
 * <p><b>Held output.</b> A response that ends while the next request is buffered already
 * (pipelining) is held ({@link #endResponse}), so that the responses after it join it in one
 * write. It is never held back while the connection's greenlet blocks, whatever it blocks
 * on (a read, a lock, a sleep, a JDK call): holding queues a one-shot loop callback, which
 * can only run once that greenlet has switched away, since one greenlet of a hub runs at a
 * time. The callback writes what the socket takes without waiting, and a write watcher
 * writes the rest as the peer reads (with no time limit of its own: the greenlet's flush that
 * takes over is bounded by the I/O timeout as any). The greenlet's own next flush (the array filling, a
 * handler's flush, the end of a response with no request buffered, a read that must wait)
 * takes over from them, so every byte leaves once and in order. A write that failed (met
 * while the greenlet was away, or a send that failed or timed out part way) may have cut a
 * response: the output stays failed, and every later write or flush throws, so that nothing
 * (a status page for the next request, say) follows a partly sent response.
 * {@link #close()} sends what the socket takes of held output at once and drops the rest,
 * as a kill drops an ordinary write that waits for the peer. A handler that works without
 * switching delays the output held before it, as it delays every greenlet of its hub: the
 * price of the one write, which {@link Connection}'s yield after a run of exchanges bounds
 * for a fast handler.
 *
 * <p><b>Implementation overview.</b> The bytes not yet written are {@code a[sent, count)};
 * only a write made while the greenlet is away moves {@code sent}. While {@code held}, the
 * callback and the watcher may write; they find {@code held} false once the greenlet
 * flushes, closes or fails, so they never touch the array while it sends or after it was
 * given back. {@code queued} keeps one callback at most in the loop's queue.
 */
final class ConnectionOutput {

    private final Transport transport;
    private final BufferPool pool;
    private final Duration timeout;
    private final Loop loop;
    private byte[] a;
    private int count;
    private int sent;
    private boolean held;
    private boolean queued;
    /** Made on the first hold, with {@link #writeHeld}: a connection that is never pipelined makes neither. */
    private Runnable onSwitchedAway;
    /** The write watcher's callback. */
    private Runnable writeHeld;
    /** Made on the first held write the socket did not take whole. */
    private Watcher writable;
    private IOException failure;

    ConnectionOutput(Transport transport, BufferPool pool, Duration timeout, Loop loop) {
        this.transport = transport;
        this.pool = pool;
        this.timeout = timeout;
        this.loop = loop;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > BufferPool.SIZE) {
            flush();
            send(b, off, len);
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

    /** Sends every byte not yet written, held ones first, blocking the greenlet until the socket took them. */
    void flush() throws IOException {
        throwFailure();
        stopHolding();
        int from = sent;
        int to = count;
        count = sent = 0;
        if (to > from) {
            send(a, from, to - from);
        }
    }

    /**
     * A response is complete: it is sent now, or, if {@code nextRequestBuffered} and the
     * connection can write without its greenlet (not TLS), held for the next response to
     * join (see the class comment).
     */
    void endResponse(boolean nextRequestBuffered) throws IOException {
        if (!nextRequestBuffered || !transport.writesWithoutWaiting()) {
            flush();
            return;
        }
        throwFailure();
        if (count > sent) {
            held = true;
            if (!queued) {
                queued = true;
                if (onSwitchedAway == null) {
                    onSwitchedAway = this::onSwitchedAway;
                    writeHeld = this::writeHeld;
                }
                loop.schedule(onSwitchedAway);
            }
        }
    }

    /**
     * The connection is about to wait to read: sends held output, if any, and gives the array
     * back unless the greenlet has bytes of a response in progress there (also when what was
     * held left while the greenlet was away).
     */
    void finishHeld() throws IOException {
        if (held) {
            finish();
        } else if (count == 0) {
            release();
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

    /**
     * The connection is closing: held output gets what the socket takes now, without
     * waiting; anything else unsent is dropped; the array goes back to the pool and the
     * write watcher is closed. Idempotent.
     */
    void close() {
        writeHeld();
        held = false;
        if (writable != null) {
            writable.close();
            writable = null;
        }
        release();
    }

    /** Gives the array back, dropping anything unsent. */
    private void release() {
        if (a != null) {
            pool.release(a);
            a = null;
            count = sent = 0;
        }
    }

    /** The loop callback queued by a hold: the greenlet has switched away. */
    private void onSwitchedAway() {
        queued = false;
        writeHeld();
    }

    /**
     * If output is held, writes what the socket takes of it without waiting; then watches
     * for room for the rest, or stops holding.
     */
    private void writeHeld() {
        if (!held) {
            return;
        }
        try {
            sent += transport.writeNow(a, sent, count - sent);
        } catch (IOException e) {
            failure = e;
            sent = count;
        }
        if (sent < count) {
            if (writable == null) {
                writable = transport.writableWatcher();
            }
            if (!writable.isActive()) {
                writable.start(writeHeld);
            }
            return;
        }
        count = sent = 0;
        stopHolding();
    }

    /** Hands the output back to the greenlet: no callback or watcher writes until the next hold. */
    private void stopHolding() {
        held = false;
        if (writable != null && writable.isActive()) {
            writable.stop();
        }
    }

    private void ensure(int n) throws IOException {
        throwFailure();
        if (a == null) {
            a = pool.acquire();
        }
        if (count + n > a.length) {
            flush();
        }
    }

    private void send(byte[] b, int off, int len) throws IOException {
        transport.setTimeout(timeout);
        try {
            transport.sendAll(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** Throws if a write failed before: part of a response may have left, nothing may follow it. */
    private void throwFailure() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("the connection's output failed before: " + e, e);
        }
    }
}
