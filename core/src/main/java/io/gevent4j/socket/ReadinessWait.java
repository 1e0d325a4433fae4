package io.gevent4j.socket;

import io.gevent4j.hub.AbstractIoWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.hub.Loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;

/**
 * The wait under {@link Select} and {@link Poll}: blocks the greenlet until some of several
 * sources (JDK channels, sockets over them, sockets of gevent4j's own) are ready for their
 * operations, or a timeout passes, through one {@link IoWait} over all of them, closed in a
 * {@code finally} so a kill or {@code Timeout} leaves no registration behind. Every source
 * found ready in the loop iteration that ends the wait is reported.
 *
 * <p>A socket of gevent4j's own is watched edge-triggered, and an edge consumed earlier
 * never comes again: its readiness is asked of the kernel first ({@code poll}), and the
 * wait does not block when one is ready. Hub-thread only.
 */
final class ReadinessWait {

    private ReadinessWait() {
    }

    /**
     * Waits until some entry is ready, {@code timeout} passes ({@code null}: no limit,
     * zero: one look at the loop), or at once if {@code readyNow}.
     *
     * @param sources {@link SelectableChannel}s, {@link AbstractSocket}s or {@link TlsSocket}s
     * @param ops the {@link SelectionKey} operations of each source, 0 for none
     * @return the ready {@link SelectionKey} operations of each entry, 0 if not ready
     * @throws IllegalArgumentException if a source is closed, a channel is in blocking mode,
     *         or an operation is not valid for it
     */
    static int[] await(Object[] sources, int[] ops, Duration timeout, boolean readyNow) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        for (Object source : sources) {
            if (isClosed(source)) {
                throw new IllegalArgumentException("closed channel: " + source);
            }
        }
        Loop loop = Hub.current().loop();
        int[] ready = new int[sources.length];
        AbstractIoWatcher[] watchers = new AbstractIoWatcher[sources.length];
        boolean now = readyNow;
        try {
            for (int i = 0; i < sources.length; i++) {
                if (ops[i] == 0) {
                    continue;
                }
                AbstractSocket own = nativeSocketOf(sources[i]);
                if (own != null) {
                    ready[i] = NativeIo.readyOps(own, ops[i]);
                    now |= ready[i] != 0;
                    watchers[i] = loop.fdWatcher(own.fd, ops[i]);
                } else {
                    watchers[i] = loop.io(channelOf(sources[i]), ops[i]);
                }
            }
        } catch (IOException e) {
            closeAll(watchers);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            closeAll(watchers);
            throw e;
        }
        try (IoWait wait = new IoWait(Hub.current(), watchers)) {
            wait.await(now ? Duration.ZERO : timeout);
            for (int i = 0; i < ready.length; i++) {
                ready[i] |= wait.readyOps(i);
            }
        }
        return ready;
    }

    private static void closeAll(AbstractIoWatcher[] watchers) {
        for (AbstractIoWatcher w : watchers) {
            if (w != null) {
                w.close();
            }
        }
    }

    /** The socket of gevent4j's own that {@code source} is (or a TLS socket runs over), or {@code null} for a channel. */
    static AbstractSocket nativeSocketOf(Object source) {
        AbstractSocket s = source instanceof TlsSocket t ? t.socket() : source instanceof AbstractSocket a ? a : null;
        return s != null && s.isNative() ? s : null;
    }

    /**
     * The channel of a socket object: a {@link SelectableChannel}, an {@link AbstractSocket} or a {@link TlsSocket}.
     *
     * @throws UnsupportedOperationException if it is a socket of gevent4j's own, with no channel
     */
    static SelectableChannel channelOf(Object source) {
        return switch (source) {
            case SelectableChannel ch -> ch;
            case AbstractSocket s -> s.channel();
            case TlsSocket t -> t.socket().channel();
            case null -> throw new NullPointerException("null in the channels to wait for");
            default -> throw new IllegalArgumentException("not a channel or socket: " + source.getClass().getName());
        };
    }

    /**
     * Checks that {@code source} is something {@link Select} and {@link Poll} wait on.
     *
     * @throws NullPointerException if it is {@code null}
     * @throws IllegalArgumentException if it is not a channel or socket
     */
    static void check(Object source) {
        if (nativeSocketOf(source) == null) {
            channelOf(source);
        }
    }

    /** Whether {@code source} is closed (a socket's own flag, else its channel's). */
    static boolean isClosed(Object source) {
        AbstractSocket own = nativeSocketOf(source);
        if (own != null) {
            return own.isClosed();
        }
        return !channelOf(source).isOpen() || (source instanceof AbstractSocket a && a.isClosed());
    }

    /** The operations that reading {@code source} waits for: {@code OP_READ}, or {@code OP_ACCEPT} on a listening socket. */
    static int readOps(Object source) {
        AbstractSocket own = nativeSocketOf(source);
        if (own != null) {
            return own instanceof ListeningSocket ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        return Sockets.readOps(channelOf(source));
    }

    /** The operations that writing {@code source} waits for: {@code OP_WRITE}, or {@code OP_CONNECT} while a channel connects. */
    static int writeOps(Object source) {
        AbstractSocket own = nativeSocketOf(source);
        if (own != null) {
            return own instanceof ListeningSocket ? 0 : SelectionKey.OP_WRITE;
        }
        return Sockets.writeOps(channelOf(source));
    }

    /** Whether a read of {@code source} would return at once without the channel being readable. */
    static boolean hasBufferedInput(Object source) {
        return source instanceof TlsSocket t ? t.hasBufferedInput() : source instanceof StreamSocket s && s.pending() > 0;
    }
}
