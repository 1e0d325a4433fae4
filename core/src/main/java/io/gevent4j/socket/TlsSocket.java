package io.gevent4j.socket;

import io.gevent4j.hub.Waiter;
import io.gevent4j.threadpool.ThreadPool;
import io.gevent4j.threadpool.ThreadResult;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * TLS over a cooperative {@link StreamSocket} through the JDK's {@link SSLEngine} (gevent's
 * {@code SSLSocket}): client and server side, SNI, hostname verification on by default,
 * ALPN, {@code close_notify}, and streams over TLS.
 *
 * <pre>{@code
 * StreamSocket tcp = Sockets.createConnection(new InetSocketAddress("example.org", 443), Duration.ofSeconds(10), null);
 * try (TlsSocket tls = TlsSocket.client(tcp, SSLContext.getDefault(), "example.org")) {
 *     tls.getOutputStream().write("GET / HTTP/1.0\r\nHost: example.org\r\n\r\n".getBytes());
 *     byte[] reply = tls.getInputStream().readAllBytes();
 * }
 * }</pre>
 *
 * <p><b>Blocking.</b> Every call that needs the peer blocks the calling greenlet only, in
 * the underlying socket's waits: it honours the socket's {@linkplain StreamSocket#setTimeout
 * timeout}, and a {@code Timeout} or kill raised meanwhile ends the call with that exception
 * (bytes already encrypted are kept and sent first by the next write). The handshake runs
 * on the first read or write, or with {@link #handshake()}; greenlets that need it while
 * another runs it wait for its outcome. One greenlet may read while another writes. The
 * socket's timeout bounds each read's wait, and a write as a whole. The engine's delegated
 * tasks (certificate checks, key exchange) run on the hub's {@linkplain
 * io.gevent4j.threadpool.ThreadPool#of threadpool}, so a slow handshake never stalls the hub's
 * other greenlets.
 *
 * <p><b>Errors.</b> A failed handshake (untrusted certificate, wrong host name, a peer that
 * does not speak TLS, a peer that resets or closes the connection) throws
 * {@link SSLHandshakeException} or {@link SSLException} in the calling greenlet; the socket
 * is then unusable and must be closed. End of stream without {@code close_notify} reads as
 * end of stream by default, as gevent's {@code suppress_ragged_eofs=True};
 * {@link #setSuppressRaggedEofs setSuppressRaggedEofs(false)} makes it an {@link SSLException}.
 * A peer's renegotiation (TLS 1.2) or key update (TLS 1.3) is answered transparently.
 * {@link #unwrap()} ends TLS and goes back to plain text on the same connection.
 * Hub-thread only: any method but the getters throws {@link IllegalStateException} elsewhere.
 *
 * <p><b>Implementation overview.</b> The initial handshake is one state: not started,
 * running (one greenlet drives the engine; the others that need it park on
 * {@code handshakeWaiters} and look again when it ends), done, or failed (the failure is
 * kept and every later call throws it). A kill or timeout while it runs returns it to not
 * started. Buffer ownership: {@code netIn} (encrypted bytes read) and {@code appIn}
 * (decrypted bytes not yet returned) belong to the reading side, the handshake driver or
 * the one reader; {@code netOut} (encrypted bytes not yet sent) belongs to the writing side,
 * the handshake driver or the one writer, which flushes it through the socket's
 * {@code sendAll}. After the handshake a reader never waits on {@code netOut}: a reply the
 * engine asks for after a post-handshake message is wrapped and sent only as far as the
 * socket takes it at once, and only while no writer is flushing; the next write or close
 * sends the rest. Delegated tasks run as one batch on the threadpool; whoever needs them
 * while a batch runs waits for that batch. {@code unwrap} reads as the reader does until the
 * peer's {@code close_notify}, then hands what {@code appIn} and {@code netIn} still hold to
 * the socket, whose reads return it first.
 */
public final class TlsSocket implements ByteChannel {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * The most decrypted bytes {@link #unwrap()} keeps while it waits for the peer's
     * {@code close_notify}: a peer that keeps sending instead cannot fill the memory.
     */
    static final int MAX_KEPT_BY_UNWRAP = 1 << 20;

    /** Where the initial handshake stands; see the implementation overview. */
    private enum Handshake { NOT_STARTED, RUNNING, DONE, FAILED }

    private final StreamSocket socket;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private Handshake handshake = Handshake.NOT_STARTED;
    private SSLException handshakeFailure;
    private final List<Waiter<Void>> handshakeWaiters = new ArrayList<>(0);
    private ThreadResult<Void> delegatedTasks;
    private boolean suppressRaggedEofs = true;
    private boolean inboundDone;
    /** The peer's {@code close_notify} arrived (not a bare end of stream). */
    private boolean closeNotifyReceived;
    private boolean closed;
    private ChannelStreams streams;

    private TlsSocket(StreamSocket socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
    }

    /** The client side of a TLS connection over {@code socket} to {@code host}; see {@link #client(StreamSocket, SSLContext, String, Consumer)}. */
    public static TlsSocket client(StreamSocket socket, SSLContext context, String host) {
        return client(socket, context, host, p -> { });
    }

    /**
     * The client side of a TLS connection over the connected {@code socket}. {@code host}
     * is the name the server's certificate must match (hostname verification, the
     * {@code HTTPS} endpoint identification) and the SNI name sent (unless it is an IP
     * literal). {@code configure} may change the parameters, which arrive with those set:
     * {@link SSLParameters#setApplicationProtocols} for ALPN, protocols, cipher suites, or
     * {@code setEndpointIdentificationAlgorithm(null)} to turn verification off.
     */
    public static TlsSocket client(StreamSocket socket, SSLContext context, String host, Consumer<SSLParameters> configure) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(host, "host");
        int port = -1;
        try {
            if (socket.getRemoteAddress() instanceof InetSocketAddress inet) {
                port = inet.getPort();
            }
        } catch (IOException e) {
            port = -1;
        }
        SSLEngine engine = Objects.requireNonNull(context, "context").createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(withoutTrailingDot(host))));
        }
        configure.accept(params);
        engine.setSSLParameters(params);
        return new TlsSocket(socket, engine);
    }

    /** The server side of a TLS connection over {@code socket}; see {@link #server(StreamSocket, SSLContext, Consumer)}. */
    public static TlsSocket server(StreamSocket socket, SSLContext context) {
        return server(socket, context, p -> { });
    }

    /**
     * The server side of a TLS connection over the accepted {@code socket}, presenting the
     * certificate of {@code context}'s key manager. {@code configure} may change the
     * parameters: ALPN protocols the server accepts ({@link SSLParameters#setApplicationProtocols}),
     * {@link SSLParameters#setNeedClientAuth}, SNI matchers...
     */
    public static TlsSocket server(StreamSocket socket, SSLContext context, Consumer<SSLParameters> configure) {
        Objects.requireNonNull(socket, "socket");
        SSLEngine engine = Objects.requireNonNull(context, "context").createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        configure.accept(params);
        engine.setSSLParameters(params);
        return new TlsSocket(socket, engine);
    }

    /** A fully qualified {@code "host.example."}: SNI carries the name without its root dot (RFC 6066 3), as the JDK's {@code SSLSocket} sends it. */
    private static String withoutTrailingDot(String host) {
        return host.endsWith(".") && host.length() > 1 ? host.substring(0, host.length() - 1) : host;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** The socket this TLS connection runs over. */
    public StreamSocket socket() {
        return socket;
    }

    /** The engine, for what this class does not expose. */
    public SSLEngine engine() {
        return engine;
    }

    /** The session, complete once the handshake is done. */
    public SSLSession getSession() {
        return engine.getSession();
    }

    /** The protocol ALPN chose, {@code ""} if none, {@code null} before the handshake. */
    public String applicationProtocol() {
        return engine.getApplicationProtocol();
    }

    /**
     * Runs the TLS handshake if it has not run yet, blocking the greenlet until it is done.
     *
     * @throws SSLHandshakeException if the peer's certificate is refused or the peer leaves
     * @throws SSLException if the peer does not speak TLS
     */
    public void handshake() throws IOException {
        while (handshake != Handshake.DONE) {
            if (handshake == Handshake.FAILED) {
                throw new SSLException("the TLS handshake failed: " + handshakeFailure.getMessage(), handshakeFailure);
            }
            ensureOpen();
            if (handshake == Handshake.RUNNING) {
                Waiter<Void> w = new Waiter<>(socket.hub());
                handshakeWaiters.add(w);
                try {
                    w.get();
                } finally {
                    handshakeWaiters.remove(w);
                }
                continue;
            }
            handshake = Handshake.RUNNING;
            try {
                engine.beginHandshake();
                runHandshake();
                handshake = Handshake.DONE;
            } catch (SSLException e) {
                fail(e);
                throw e;
            } catch (SocketException e) {
                SSLHandshakeException reset = new SSLHandshakeException(
                        "the peer left during the TLS handshake: " + e.getMessage());
                reset.initCause(e);
                fail(reset);
                throw reset;
            } finally {
                if (handshake == Handshake.RUNNING) {
                    handshake = Handshake.NOT_STARTED;
                }
                for (Waiter<Void> w : List.copyOf(handshakeWaiters)) {
                    w.switchTo(null);
                }
            }
        }
    }

    private void fail(SSLException e) {
        handshake = Handshake.FAILED;
        handshakeFailure = e;
        closeOutboundNow();
    }

    /** Drives the engine through the handshake; the records of one flight go out in one write. */
    private void runHandshake() throws IOException {
        long startNanos = System.nanoTime();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (netOut.position() > 0) {
                        flush(startNanos);
                    }
                    if (decrypt() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !fillNetIn()) {
                        try {
                            engine.closeInbound();
                        } catch (SSLException ignored) {
                            // the engine complains that close_notify is missing: the exception below says more
                        }
                        throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                default -> {
                    if (netOut.position() > 0) {
                        flush(startNanos);
                    }
                    return;
                }
            }
        }
    }

    /**
     * Closes the engine's outbound side and sends what it produces ({@code close_notify}, or
     * the alert of a failed handshake) as far as the socket takes it without waiting: a peer
     * that does not read cannot block a close. Errors are ignored: the peer may be gone.
     */
    private void closeOutboundNow() {
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrap(EMPTY);
            }
            sendNow();
        } catch (IOException | RuntimeException ignored) {
            // closing goes on
        }
    }

    /** Sends what {@link #netOut} holds as far as the socket takes it without waiting. */
    private void sendNow() throws IOException {
        netOut.flip();
        try {
            socket.writeNow(netOut);
        } finally {
            netOut.compact();
        }
    }

    /**
     * Reads decrypted bytes into {@code dst}, blocking the greenlet until at least one is
     * available (running the handshake first if needed).
     *
     * @return the number of bytes read, -1 once the peer closed (with {@code close_notify},
     *         or without it while {@linkplain #setSuppressRaggedEofs ragged EOFs are suppressed}),
     *         0 only if {@code dst} is full
     * @throws SSLException if the peer closed without {@code close_notify} and ragged EOFs are
     *         not suppressed (once; later reads return -1)
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        handshake();
        if (!dst.hasRemaining()) {
            return 0;
        }
        while (true) {
            if (appIn.position() > 0) {
                appIn.flip();
                int n = Math.min(appIn.remaining(), dst.remaining());
                int limit = appIn.limit();
                appIn.limit(appIn.position() + n);
                dst.put(appIn);
                appIn.limit(limit);
                appIn.compact();
                return n;
            }
            if (inboundDone) {
                return -1;
            }
            ensureOpen();
            readRecord();
        }
    }

    /**
     * Decrypts a record of {@link #netIn} into {@link #appIn}, or reads more when it holds no
     * whole record, then does what the engine asks for. The peer's {@code close_notify}, or
     * the end of the stream, ends the inbound side.
     *
     * @throws SSLException at an end of stream without {@code close_notify} if ragged EOFs are not suppressed
     */
    private void readRecord() throws IOException {
        SSLEngineResult.Status status = netIn.position() > 0 ? decrypt() : SSLEngineResult.Status.BUFFER_UNDERFLOW;
        if (status == SSLEngineResult.Status.CLOSED) {
            inboundDone = true;
            closeNotifyReceived = true;
        } else if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW && !fillNetIn()) {
            inboundDone = true;
            try {
                engine.closeInbound();
            } catch (SSLException ragged) {
                if (!suppressRaggedEofs) {
                    throw new SSLException("the peer closed the connection without close_notify:"
                            + " what was read may be truncated", ragged);
                }
            }
        }
        afterDecrypt();
    }

    /**
     * Handles what the engine asks for after a post-handshake message (tasks, a reply to
     * send). A reader never waits to send the reply: it would share {@link #netOut} with a
     * writer. The reply goes out as far as the socket takes it now; a writer's next
     * {@link #write} (or {@link #close}) sends the rest, or produces it itself when a writer
     * is flushing meanwhile.
     */
    private void afterDecrypt() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    if (engine.isOutboundDone() || socket.writerBusy()) {
                        return;
                    }
                    wrap(EMPTY);
                    sendNow();
                }
                default -> {
                    return;
                }
            }
        }
    }

    /**
     * Encrypts and sends all of {@code src}, blocking the greenlet until the socket took it
     * (running the handshake first if needed). The socket's timeout bounds the sending as a
     * whole, as gevent's {@code sendall}.
     *
     * @return the number of bytes written: all that remained
     * @throws ClosedChannelException if this side sent {@code close_notify} or was closed
     * @throws java.net.SocketTimeoutException if the timeout passes before all is sent
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        handshake();
        if (engine.isOutboundDone()) {
            throw new ClosedChannelException();
        }
        int start = src.position();
        long startNanos = System.nanoTime();
        if (netOut.position() > 0) {
            flush(startNanos);
        }
        while (src.hasRemaining()) {
            wrap(src);
            flush(startNanos);
        }
        return src.position() - start;
    }

    /**
     * Same as {@link #write}: encrypts and sends all of {@code src}. The socket's timeout
     * bounds the whole call, as gevent's {@code sendall}.
     */
    public void sendAll(ByteBuffer src) throws IOException {
        write(src);
    }

    /** Encrypts and sends all of {@code data}. */
    public void sendAll(byte[] data) throws IOException {
        write(ByteBuffer.wrap(data));
    }

    /**
     * Sends {@code close_notify} and half-closes the socket: the peer reads end of stream,
     * and this side can still read what the peer sends.
     */
    public void shutdownOutput() throws IOException {
        ensureOpen();
        sendCloseNotify();
        socket.shutdownOutput();
    }

    /** Sends {@code close_notify}, and what an interrupted earlier call left unsent, within the socket's timeout. */
    private void sendCloseNotify() throws IOException {
        long startNanos = System.nanoTime();
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            wrap(EMPTY);
            flush(startNanos);
        }
        if (netOut.position() > 0) {
            flush(startNanos);
        }
    }

    /**
     * Ends TLS and returns the plain socket under it, for protocols that go back to plain
     * text (gevent's {@code SSLSocket.unwrap}; FTP's {@code CCC}): sends {@code close_notify},
     * blocks the greenlet until the peer's arrives, and returns {@link #socket()}. Nothing
     * read is lost: the socket's next reads return first the bytes this object decrypted and
     * had not returned yet (including application data the peer sent before its
     * {@code close_notify}, which OpenSSL, and so gevent, would drop), then the plain bytes
     * that came after the {@code close_notify} and were already read, then the connection's.
     * This object is closed afterwards without closing the socket: its methods throw
     * {@link ClosedChannelException}, its {@link #close()} and its streams' no longer reach
     * the socket.
     *
     * <p>Each wait honours the socket's timeout. A {@link java.net.SocketTimeoutException},
     * {@code Timeout} or kill leaves it resumable: call {@code unwrap()} again.
     *
     * @throws SSLException if the handshake has not completed, or the peer closed the
     *         connection without {@code close_notify}, or sent more than
     *         {@value #MAX_KEPT_BY_UNWRAP} bytes instead of it (then only {@link #close()} remains)
     * @throws ConcurrentObjectUseException if another greenlet is reading or writing this socket
     * @throws ClosedChannelException if this object is closed (or was unwrapped already)
     */
    public StreamSocket unwrap() throws IOException {
        ensureOpen();
        if (handshake != Handshake.DONE) {
            throw new SSLException("unwrap before the TLS handshake completed: there is no TLS to end");
        }
        if (SocketWait.busy(socket.reader) || socket.writerBusy()) {
            throw new ConcurrentObjectUseException("unwrap while another greenlet reads or writes " + this);
        }
        sendCloseNotify();
        while (!closeNotifyReceived) {
            if (inboundDone) {
                throw new SSLException("the peer closed the connection without close_notify: TLS cannot be unwrapped");
            }
            if (appIn.position() > MAX_KEPT_BY_UNWRAP) {
                throw new SSLException("the peer sent more than " + MAX_KEPT_BY_UNWRAP
                        + " bytes after close_notify was sent, and no close_notify: TLS cannot be unwrapped");
            }
            readRecord();
        }
        closed = true;
        appIn.flip();
        netIn.flip();
        ByteBuffer rest = ByteBuffer.allocate(appIn.remaining() + netIn.remaining()).put(appIn).put(netIn).flip();
        appIn = EMPTY; // what they held is the socket's now; they may have grown large
        netIn = EMPTY;
        socket.unread(rest);
        return socket;
    }

    /**
     * The decrypted stream from the peer, one per socket; its {@code available()} is
     * {@link #pending()}. Closing it closes the connection.
     */
    public InputStream getInputStream() {
        return streams().input();
    }

    /** The stream to the peer, encrypted, one per socket; closing it closes the connection. */
    public OutputStream getOutputStream() {
        return streams().output();
    }

    private ChannelStreams streams() {
        if (streams == null) {
            streams = new ChannelStreams(this, this::pending, this::sendAll);
        }
        return streams;
    }

    /**
     * How many decrypted bytes wait in this object, so that a read returns them without
     * waiting (gevent's {@code pending()}); what {@link #getInputStream()}'s
     * {@code available()} answers.
     */
    public int pending() {
        return appIn.position();
    }

    /**
     * Chooses what a read returns when the peer closes the connection without
     * {@code close_notify} (gevent's {@code suppress_ragged_eofs}): {@code true}, the default
     * as in gevent, reads it as an end of stream (-1), as most peers close that way;
     * {@code false} throws {@link SSLException}, which tells a truncated stream from a
     * closed one.
     */
    public void setSuppressRaggedEofs(boolean suppress) {
        this.suppressRaggedEofs = suppress;
    }

    /** Whether a close without {@code close_notify} reads as end of stream; see {@link #setSuppressRaggedEofs}. */
    public boolean getSuppressRaggedEofs() {
        return suppressRaggedEofs;
    }

    /** Whether decrypted bytes wait in this object, so a read returns at once (gevent's {@code pending()}). */
    boolean hasBufferedInput() {
        return appIn.position() > 0 || (inboundDone && !closed);
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Sends {@code close_notify} if the handshake was done and no other greenlet is writing,
     * as far as the socket takes it without waiting (use {@link #shutdownOutput} to wait until
     * it is sent), then closes the socket, which wakes the greenlets waiting on it. Never
     * blocks. Idempotent.
     *
     * @throws IllegalStateException if called off the socket's hub
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        socket.hub().checkCurrent(this);
        closed = true;
        try {
            if (handshake == Handshake.DONE && !socket.writerBusy() && !socket.isClosed()) {
                closeOutboundNow();
            }
        } finally {
            socket.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        socket.hub().checkCurrent(this);
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    /** Encrypts from {@code src} into {@link #netOut}, growing it as needed: never waits. */
    private void wrap(ByteBuffer src) throws IOException {
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    netOut.flip();
                    netOut = ByteBuffer.allocate(netOut.limit() + engine.getSession().getPacketBufferSize()).put(netOut);
                }
                case CLOSED -> {
                    if (src != EMPTY && src.hasRemaining()) {
                        throw new ClosedChannelException();
                    }
                    return;
                }
                default -> {
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return;
                }
            }
        }
    }

    /**
     * Sends what {@link #wrap} produced, within the socket's timeout counted from
     * {@code startNanos}; bytes left unsent by an exception stay for the next flush.
     */
    private void flush(long startNanos) throws IOException {
        netOut.flip();
        try {
            socket.sendAllSince(netOut, startNanos);
        } finally {
            netOut.compact();
        }
    }

    /** Decrypts what {@link #netIn} holds into {@link #appIn}. */
    private SSLEngineResult.Status decrypt() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(appIn.position() + engine.getSession().getApplicationBufferSize());
                appIn.flip();
                appIn = bigger.put(appIn);
                continue;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            return r.getStatus();
        }
    }

    /** Reads more encrypted bytes; false at end of stream. */
    private boolean fillNetIn() throws IOException {
        if (!netIn.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() + engine.getSession().getPacketBufferSize());
            netIn.flip();
            netIn = bigger.put(netIn);
        }
        return socket.read(netIn) >= 0;
    }

    /**
     * Runs the engine's delegated tasks (certificate checks, key exchange) on the hub's
     * threadpool, blocking the greenlet only; a greenlet that needs them while they run waits
     * for the same batch.
     */
    private void runTasks() {
        if (delegatedTasks == null) {
            List<Runnable> batch = new ArrayList<>();
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                batch.add(task);
            }
            if (batch.isEmpty()) {
                return;
            }
            ThreadResult<Void> running = ThreadPool.of(socket.hub()).spawn(() -> batch.forEach(Runnable::run));
            delegatedTasks = running;
            running.rawLink(() -> {
                if (delegatedTasks == running) {
                    delegatedTasks = null;
                }
            });
        }
        ThreadResult<Void> running = delegatedTasks;
        running.get();
        if (delegatedTasks == running) {
            delegatedTasks = null;
        }
    }

    @Override
    public String toString() {
        return "TlsSocket[" + (closed ? "closed" : socket + ", " + engine.getSession().getProtocol()) + "]";
    }
}
