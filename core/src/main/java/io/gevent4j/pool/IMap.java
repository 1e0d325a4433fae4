package io.gevent4j.pool;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.queue.SimpleQueue;

import java.util.HashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The results of {@link Group#imap} or {@link Group#imapUnordered} (gevent's
 * {@code IMap}/{@code IMapUnordered}): a one-shot iterator, also {@link Iterable} (it
 * returns itself) so that it reads in a for-each loop.
 *
 * <p>{@link #hasNext()} blocks until the next result is there or every item was consumed;
 * {@link #next()} returns a value or rethrows the failure of that item as
 * {@link Greenlet#get()} does, and the iteration goes on after it. The failing tasks are
 * also reported once by the hub, as every failing greenlet.
 *
 * <p>A reader that stops early should {@link #close()} it, so that the input is not read
 * further (with a bound, the spawner would otherwise wait for the reader forever).
 *
 * <p>Hub-thread only, like its group.
 *
 * <p><b>Implementation overview.</b> A spawner greenlet (not a member of the group) walks
 * the input and spawns one member per item, waiting for a slot in a {@link Pool}; with a
 * bound, it first puts a token in a bounded queue, which the reader takes back with each
 * result, so at most {@code maxsize} results are started and not consumed. Each member's
 * death puts its index and greenlet in a queue the reader takes from; the ordered variant
 * keeps early arrivals in a map until their turn.
 */
public final class IMap<R> implements Iterator<R>, Iterable<R>, AutoCloseable {

    private record Done(int index, Greenlet<?> greenlet) {
    }

    private static final Done END = new Done(-1, null);

    private final Hub hub;
    private final boolean ordered;
    private final SimpleQueue<Done> finished = new SimpleQueue<>();
    private final SimpleQueue<Boolean> tokens;
    private final HashMap<Integer, Greenlet<?>> early = new HashMap<>();
    private Greenlet<?> nextDone;
    private int total = -1;
    private int returned;
    private Throwable spawnFailure;
    private boolean closed;
    private final Greenlet<Void> spawner;

    <A> IMap(Group group, Function<? super A, ? extends R> function, Iterable<? extends A> items, int maxsize,
             boolean ordered) {
        group.hub.checkCurrent(group);
        this.hub = group.hub;
        this.ordered = ordered;
        this.tokens = maxsize > 0 ? new SimpleQueue<>(maxsize) : null;
        this.spawner = Gevent.spawn(() -> {
            int spawned = 0;
            try {
                for (A item : items) {
                    if (tokens != null) {
                        tokens.put(Boolean.TRUE);
                    }
                    int index = spawned++;
                    Greenlet<R> task = group.spawn(() -> function.apply(item));
                    task.rawLink(() -> finished.put(new Done(index, task)));
                }
            } catch (Throwable t) {
                spawnFailure = t;
                throw t;
            } finally {
                total = spawned;
                finished.put(END);
            }
        });
    }

    /** Blocks until the next result is there; false when every item was consumed or after {@link #close()}. */
    @Override
    public boolean hasNext() {
        hub.checkCurrent(this);
        while (!closed) {
            if (ordered ? early.containsKey(returned) : nextDone != null) {
                return true;
            }
            if (total >= 0 && returned == total) {
                return spawnFailure != null;
            }
            Done done = finished.get();
            if (done == END) {
                continue;
            }
            if (ordered) {
                early.put(done.index, done.greenlet);
            } else {
                nextDone = done.greenlet;
            }
        }
        return false;
    }

    /**
     * The next result: the value, or that item's failure rethrown (the iteration may go on).
     * A failure of the input itself (its iterator threw) is thrown once, after the results
     * of the items read before it.
     */
    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Greenlet<?> g;
        if (ordered) {
            g = early.remove(returned);
        } else {
            g = nextDone;
            nextDone = null;
        }
        if (g == null) {
            Throwable failure = spawnFailure;
            spawnFailure = null;
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(failure);
        }
        returned++;
        if (tokens != null) {
            tokens.poll();
        }
        return (R) g.getNow();
    }

    /**
     * Ends the iteration ({@link #hasNext()} is false from now on) and stops reading the
     * input: no task is spawned after this (those running go on and their results are
     * dropped with the iterator). Does not block; idempotent.
     */
    @Override
    public void close() {
        hub.checkCurrent(this);
        closed = true;
        if (!spawner.isDead()) {
            spawner.kill(new GreenletExit(), false, null);
        }
    }

    /** This iterator itself: an {@code IMap} can be iterated once. */
    @Override
    public Iterator<R> iterator() {
        return this;
    }
}
