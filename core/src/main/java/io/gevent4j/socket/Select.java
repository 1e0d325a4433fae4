package io.gevent4j.socket;

import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * gevent.select's {@code select}: waits until some channels or sockets are ready to read
 * or write. Blocks the calling greenlet only; a {@code Timeout} or kill raised meanwhile
 * ends it with that exception and leaves no registration behind. Hub-thread only.
 *
 * <p>The objects may be {@link SelectableChannel}s in non-blocking mode,
 * {@link AbstractSocket}s or {@link TlsSocket}s (ready to read when decrypted bytes wait
 * in it, or its channel is readable). A listening socket is "readable" when a connection
 * waits to be accepted, a connecting one "writable" when the connection is done.
 */
public final class Select {

    private Select() {
    }

    /** The objects found ready, in the order they were given. */
    public record Result<R, W>(List<R> readable, List<W> writable) {

        /** Whether nothing was ready (the timeout passed). */
        public boolean isEmpty() {
            return readable.isEmpty() && writable.isEmpty();
        }
    }

    /**
     * Waits until at least one of {@code readables} can be read or one of {@code writables}
     * written, or {@code timeout} passes ({@code null}: no limit; zero: just look), and
     * returns all those ready at that moment.
     *
     * @return the ready objects; both lists empty if the timeout passed
     * @throws IllegalArgumentException if an object is not a channel or socket, or is closed
     *         or in blocking mode
     */
    public static <R, W> Result<R, W> select(Collection<R> readables, Collection<W> writables, Duration timeout) {
        List<R> rs = List.copyOf(readables);
        List<W> ws = List.copyOf(writables);
        int n = rs.size() + ws.size();
        Object[] sources = new Object[n];
        int[] ops = new int[n];
        boolean readyNow = false;
        for (int i = 0; i < rs.size(); i++) {
            sources[i] = rs.get(i);
            ReadinessWait.check(sources[i]);
            ops[i] = ReadinessWait.readOps(sources[i]);
            readyNow |= ReadinessWait.hasBufferedInput(rs.get(i));
        }
        for (int i = 0; i < ws.size(); i++) {
            int k = rs.size() + i;
            sources[k] = ws.get(i);
            ReadinessWait.check(sources[k]);
            ops[k] = ReadinessWait.writeOps(sources[k]);
        }
        int[] ready = ReadinessWait.await(sources, ops, timeout, readyNow);
        List<R> readable = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            if (ready[i] != 0 || ReadinessWait.hasBufferedInput(rs.get(i))) {
                readable.add(rs.get(i));
            }
        }
        List<W> writable = new ArrayList<>();
        for (int i = 0; i < ws.size(); i++) {
            if (ready[rs.size() + i] != 0) {
                writable.add(ws.get(i));
            }
        }
        return new Result<>(readable, writable);
    }
}
