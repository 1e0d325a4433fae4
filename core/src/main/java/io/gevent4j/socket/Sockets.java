package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.resolver.Resolvers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The functions of gevent.socket: {@link #createConnection} and the waits on any
 * non-blocking {@link SelectableChannel} ({@link #waitRead}, {@link #waitWrite},
 * {@link #waitReadWrite}, {@link #cancelWait}), which block the calling greenlet only.
 *
 * <p>The waits register the channel in the current hub's selector for the duration of the
 * wait; a {@code Timeout} or kill raised meanwhile ends the wait with that exception and
 * leaves no registration behind. Several greenlets may wait on one channel at once.
 * Hub-thread only: call them from a greenlet or a platform thread with a hub.
 */
public final class Sockets {


    private Sockets() {
    }

    /**
     * Connects to {@code address}, trying each of its addresses in turn when it is an
     * unresolved {@link InetSocketAddress} (gevent's {@code create_connection}).
     *
     * <p>An unresolved host name is looked up through the hub's resolver
     * ({@link Resolvers#current()}: by default on the hub's threadpool), so the lookup blocks
     * only the calling greenlet.
     *
     * @param timeout limits each connect attempt and stays the returned socket's timeout
     *                ({@code null}: none)
     * @param source the local address to bind to first, or {@code null}
     * @return the connected socket
     * @throws IOException the last attempt's error if every address failed
     */
    public static StreamSocket createConnection(SocketAddress address, Duration timeout, SocketAddress source)
            throws IOException {
        Objects.requireNonNull(address, "address");
        List<SocketAddress> candidates = new ArrayList<>();
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            for (InetAddress a : Resolvers.current().lookupAll(inet.getHostString())) {
                candidates.add(new InetSocketAddress(a, inet.getPort()));
            }
        } else {
            candidates.add(address);
        }
        IOException last = null;
        for (SocketAddress candidate : candidates) {
            StreamSocket s = StreamSocket.open(StreamSocket.familyOf(candidate));
            try {
                s.setTimeout(timeout);
                if (source != null) {
                    s.bind(source);
                }
                s.connect(candidate);
                return s;
            } catch (IOException e) {
                s.close();
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            } catch (RuntimeException | Error e) {
                s.close();
                throw e;
            }
        }
        throw last;
    }

    /**
     * Blocks the greenlet until {@code channel} can be read (or, for a
     * {@link java.nio.channels.ServerSocketChannel}, accepted from) (gevent's {@code wait_read}).
     *
     * @param timeout {@code null}: no limit
     * @throws SocketTimeoutException if {@code timeout} passes first
     * @throws IllegalArgumentException if the channel is in blocking mode
     */
    public static void waitRead(SelectableChannel channel, Duration timeout) throws IOException {
        await(channel, readOps(channel), timeout);
    }

    /** Blocks the greenlet until {@code channel} can be written (or finish connecting); see {@link #waitRead}. */
    public static void waitWrite(SelectableChannel channel, Duration timeout) throws IOException {
        await(channel, writeOps(channel), timeout);
    }

    /** Blocks the greenlet until {@code channel} can be read or written; see {@link #waitRead}. */
    public static void waitReadWrite(SelectableChannel channel, Duration timeout) throws IOException {
        await(channel, readOps(channel) | writeOps(channel), timeout);
    }

    /**
     * Ends every wait on {@code channel} made with {@link #waitRead}, {@link #waitWrite} or
     * {@link #waitReadWrite}: each waiting greenlet gets {@code error} (gevent's
     * {@code cancel_wait}). Call it before closing a channel other greenlets wait on.
     *
     * @return how many waits were ended
     */
    public static int cancelWait(SelectableChannel channel, Throwable error) {
        Objects.requireNonNull(error, "error");
        List<IoWait> waits = Waits.of(Hub.current()).byChannel.get(Objects.requireNonNull(channel, "channel"));
        if (waits == null) {
            return 0;
        }
        int n = 0;
        for (IoWait w : List.copyOf(waits)) {
            if (w.cancel(error)) {
                n++;
            }
        }
        return n;
    }

    /** {@link #cancelWait(SelectableChannel, Throwable)} with an {@link AsynchronousCloseException}. */
    public static int cancelWait(SelectableChannel channel) {
        return cancelWait(channel, new AsynchronousCloseException());
    }

    static int readOps(SelectableChannel channel) {
        return channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
    }

    static int writeOps(SelectableChannel channel) {
        if (channel instanceof SocketChannel s && s.isConnectionPending()) {
            return SelectionKey.OP_CONNECT;
        }
        return channel.validOps() & SelectionKey.OP_WRITE;
    }

    private static void await(SelectableChannel channel, int ops, Duration timeout) throws IOException {
        Objects.requireNonNull(channel, "channel");
        Hub hub = Hub.current();
        Map<SelectableChannel, List<IoWait>> waits = Waits.of(hub).byChannel;
        try (IoWait wait = new IoWait(hub, channel, ops)) {
            waits.computeIfAbsent(channel, c -> new ArrayList<>()).add(wait);
            try {
                if (!wait.await(timeout)) {
                    throw new SocketTimeoutException("timed out");
                }
            } finally {
                waits.computeIfPresent(channel, (c, list) -> {
                    list.remove(wait);
                    return list.isEmpty() ? null : list;
                });
            }
        }
    }

    /** A hub's waits in progress per channel, for {@link #cancelWait}: a service of the hub. Hub-thread only. */
    private static final class Waits implements AutoCloseable {
        final Map<SelectableChannel, List<IoWait>> byChannel = new HashMap<>();

        static Waits of(Hub hub) {
            return hub.service(Waits.class, h -> new Waits());
        }

        /** The waits end with their greenlets, which the hub ends before it closes its services. */
        @Override
        public void close() {
            byChannel.clear();
        }
    }
}
