package io.gevent4j.monkey;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the patched client and server socket implementations share: a non-blocking NIO
 * channel, its options (the legacy integer ones through {@link SocketOptionIds}, the
 * JDK 9 {@link SocketOption}s directly), {@code SO_TIMEOUT}, the locked steps on the channel
 * ({@link #holding}), and an idempotent close that any thread may call.
 */
abstract sealed class ChannelSocketImpl extends SocketImpl permits GreenSocketImpl, GreenServerSocketImpl {

    /** The bytes passed to {@link #holding} by steps that read or write none. */
    static final byte[] NO_BYTES = new byte[0];

    private final Object stateLock = new Object();
    private volatile boolean closed;
    private volatile int timeoutMillis;

    /** The channel, or {@code null} before {@code create}. */
    abstract NetworkChannel channel();

    /** Wakes the threads blocked on the channel and closes it; called once, by {@link #close()}. */
    abstract void release() throws IOException;

    @Override
    protected final void close() throws IOException {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (channel() != null) {
            release();
        }
    }

    /**
     * A step on the channel, run by {@link #holding} over the caller's bytes
     * {@code b[off, off + len)} (a read's or a write's; other steps ignore them). Steps are
     * made once and kept, so the read and write paths allocate nothing per call.
     */
    @FunctionalInterface
    interface ChannelStep {
        int run(byte[] b, int off, int len) throws IOException;
    }

    /**
     * Runs {@code step} on the open socket holding {@code lock} (one reader, writer or acceptor
     * at a time; the others wait their turn); a channel closed meanwhile, by any thread, ends it
     * with {@code SocketException("Socket closed")}. Any other I/O error of the channel (a
     * reset: "Connection reset by peer", "Broken pipe") is a {@link SocketException} too, as
     * the JDK's socket makes it "to maintain compatibility"; timeouts and interrupts pass as
     * they are.
     */
    final int holding(ReentrantLock lock, ChannelStep step, byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            return step.run(b, off, len);
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        } catch (SocketException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The deadline ({@link System#nanoTime()}, 0 for none) of a wait that starts now and honours {@code SO_TIMEOUT}. */
    final long timeoutDeadline() {
        return deadline(timeoutMillis);
    }

    @Override
    public final void setOption(int opt, Object value) throws SocketException {
        ensureOpen();
        if (opt == SO_TIMEOUT) {
            int millis = SocketOptionIds.intValue(value, "SO_TIMEOUT");
            if (millis < 0) {
                throw new IllegalArgumentException("timeout < 0");
            }
            timeoutMillis = millis;
            return;
        }
        SocketOptionIds.set(channel(), opt, value);
    }

    @Override
    public final Object getOption(int opt) throws SocketException {
        ensureOpen();
        return opt == SO_TIMEOUT ? (Object) timeoutMillis : SocketOptionIds.get(channel(), opt);
    }

    @Override
    protected final <T> void setOption(SocketOption<T> name, T value) throws IOException {
        ensureOpen();
        channel().setOption(name, value);
    }

    @Override
    protected final <T> T getOption(SocketOption<T> name) throws IOException {
        ensureOpen();
        return channel().getOption(name);
    }

    @Override
    protected final Set<SocketOption<?>> supportedOptions() {
        NetworkChannel ch = channel();
        return ch == null ? Set.of() : ch.supportedOptions();
    }

    /** @throws SocketException "Socket closed" after {@link #close()}, "Socket not created" before {@code create} */
    final void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
        if (channel() == null) {
            throw new SocketException("Socket not created");
        }
    }

    /** The deadline of a wait of {@code millis} starting now; 0 (none) for 0. */
    static long deadline(int millis) {
        return millis == 0 ? 0 : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** @throws SocketException for a datagram socket: the patched sockets are stream sockets only */
    static void requireStream(boolean stream) throws SocketException {
        if (!stream) {
            throw new SocketException("datagram sockets are not supported by the patched socket");
        }
    }

    /** Returns {@code ch} made non-blocking; closes it if that fails. */
    static <C extends SelectableChannel> C nonBlocking(C ch) throws IOException {
        try {
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** Closes {@code waits}, waking the threads blocked in them, then {@code ch} whatever happens to them. */
    static void closeAll(Channel ch, DirectionWait... waits) throws IOException {
        try {
            for (DirectionWait wait : waits) {
                wait.close();
            }
        } finally {
            ch.close();
        }
    }

    /** The local port of a bound channel, -1 if it is not bound to an internet address. */
    static int localPort(NetworkChannel ch) throws IOException {
        SocketAddress local = ch.getLocalAddress();
        return local instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }
}
