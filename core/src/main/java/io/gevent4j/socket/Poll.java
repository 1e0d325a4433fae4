package io.gevent4j.socket;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * gevent.select's {@code poll} object: a set of channels or sockets, each with the events
 * it is watched for, and {@link #poll(Duration)}, which blocks the calling greenlet until
 * some are ready. Sources are {@link SelectableChannel}s in non-blocking mode,
 * {@link AbstractSocket}s or {@link TlsSocket}s. Hub-thread only; a {@code Timeout} or kill
 * during {@code poll} leaves no registration behind.
 *
 * @param <T> the type of the registered sources
 */
public final class Poll<T> {

    /** Ready to read (or accept). */
    public static final int IN = 0x001;
    /** Urgent data: accepted and watched as {@link #IN}, as gevent does. */
    public static final int PRI = 0x002;
    /** Ready to write (or done connecting). */
    public static final int OUT = 0x004;
    /** The source was closed: reported without waiting. */
    public static final int NVAL = 0x020;

    /** A ready source and its ready events ({@link #IN}, {@link #OUT}, {@link #NVAL}). */
    public record Event<T>(T source, int events) {
    }

    private final Map<T, Integer> registered = new LinkedHashMap<>();

    /** Watches {@code source} for {@code events} ({@link #IN}, {@link #PRI}, {@link #OUT}), replacing earlier ones. */
    public void register(T source, int events) {
        ReadinessWait.check(source);
        if ((events & ~(IN | PRI | OUT)) != 0) {
            throw new IllegalArgumentException("unknown poll events: 0x" + Integer.toHexString(events));
        }
        registered.put(source, events);
    }

    /** Watches {@code source} for {@code IN | PRI | OUT}, as gevent's default. */
    public void register(T source) {
        register(source, IN | PRI | OUT);
    }

    /**
     * Changes the events of a registered source.
     *
     * @throws NoSuchElementException if it is not registered
     */
    public void modify(T source, int events) {
        if (!registered.containsKey(Objects.requireNonNull(source, "source"))) {
            throw new NoSuchElementException("not registered: " + source);
        }
        register(source, events);
    }

    /**
     * Stops watching {@code source}.
     *
     * @throws NoSuchElementException if it is not registered
     */
    public void unregister(T source) {
        if (registered.remove(Objects.requireNonNull(source, "source")) == null) {
            throw new NoSuchElementException("not registered: " + source);
        }
    }

    /**
     * Waits until some registered source is ready, or {@code timeout} passes ({@code null}:
     * no limit, zero: just look). Closed sources are reported with {@link #NVAL} at once.
     *
     * @return the ready sources in registration order; empty if the timeout passed
     */
    public List<Event<T>> poll(Duration timeout) {
        List<T> sources = new ArrayList<>(registered.keySet());
        int n = sources.size();
        int[] closed = new int[n];
        boolean readyNow = false;
        List<Object> open = new ArrayList<>();
        List<Integer> openOps = new ArrayList<>();
        List<Integer> openIndex = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            T s = sources.get(i);
            int events = registered.get(s);
            if (ReadinessWait.isClosed(s)) {
                closed[i] = NVAL;
                readyNow = true;
                continue;
            }
            int o = 0;
            if ((events & (IN | PRI)) != 0) {
                o |= ReadinessWait.readOps(s);
                readyNow |= ReadinessWait.hasBufferedInput(s);
            }
            if ((events & OUT) != 0) {
                o |= ReadinessWait.writeOps(s);
            }
            open.add(s);
            openOps.add(o);
            openIndex.add(i);
        }
        int[] ready = ReadinessWait.await(open.toArray(),
                openOps.stream().mapToInt(Integer::intValue).toArray(), timeout, readyNow);
        int[] readyOps = new int[n];
        for (int k = 0; k < ready.length; k++) {
            readyOps[openIndex.get(k)] = ready[k];
        }
        List<Event<T>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int e = closed[i];
            if ((readyOps[i] & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0
                    || (closed[i] == 0 && (registered.get(sources.get(i)) & (IN | PRI)) != 0
                        && ReadinessWait.hasBufferedInput(sources.get(i)))) {
                e |= IN;
            }
            if ((readyOps[i] & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                e |= OUT;
            }
            if (e != 0) {
                events.add(new Event<>(sources.get(i), e));
            }
        }
        return events;
    }
}
