package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Waiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * gevent's {@code iwait}: an iteration over {@link Waitable} objects (greenlets, events,
 * async results...) that yields each one as it becomes ready, in the order they become
 * ready, until {@code count} were yielded (all of them when {@code count <= 0}) or the
 * {@code timeout} passed. Obtained from {@link Gevent#iwait}; {@link Gevent#wait} collects
 * it into a list, and {@link Gevent#waitAll()} is gevent's argument-less {@code wait()}.
 *
 * <p>{@link #hasNext()} blocks the current greenlet; it never throws on expiry, it returns
 * false. A kill or {@link Timeout} raised meanwhile is thrown from it and the iteration
 * stays usable. The iteration is one-shot ({@link #iterator()} returns itself); it
 * unregisters from the objects when it ends, and {@link #close()} ends it early
 * (try-with-resources, as gevent's {@code with iwait(...)}).
 *
 * <p>Hub-thread only: create and use it on the hub of the objects.
 *
 * <p><b>Implementation overview.</b> On creation it registers one raw link per object and
 * fixes the deadline; a greenlet whose first link is still free takes the iteration itself
 * there ({@code links} then holds {@code null} for it, and is not made while every object
 * so far did), which spares a callback per greenlet joined. A link appends its object to a
 * FIFO of ready objects and wakes the reader's {@link Waiter}: for each object in an
 * iteration; in a collecting wait ({@code wait}, {@code joinAll}) only once all the reader
 * still needs are ready or at an object that must end it early, which spares the reader a
 * switch per object. The reader takes from the FIFO, and waits on the waiter, at most
 * until the deadline, when it is empty.
 */
public final class Waiting<T extends Waitable> implements Iterator<T>, Iterable<T>, AutoCloseable {

    private final Hub hub;
    private final List<T> objects;
    /** The callback linked to each object, by index, or {@code null}: see the implementation overview. */
    private Runnable[] links;
    /** How many of the objects, from the first, are linked. */
    private int linked;
    /** Sized once in a collecting wait, which may hold every object before its reader wakes. */
    private final ArrayDeque<T> ready;
    private final Waiter<Boolean> waiter;
    private final long deadline;
    private final boolean unlimited;
    private int remaining;
    private boolean expired;
    private boolean closed;
    /**
     * For a wait that collects a list ({@link #wait}, {@code joinAll}): the objects that wake
     * the reader before all it still needs are ready; {@code null} for an iteration, whose
     * reader wakes for each object as gevent's does.
     */
    private final Predicate<? super T> wakesEarly;

    private Waiting(Collection<? extends T> objects, Duration timeout, int count, Predicate<? super T> wakesEarly) {
        Objects.requireNonNull(objects, "objects");
        Waiter.checkTimeout(timeout);
        this.hub = Hub.current();
        this.objects = new ArrayList<>(objects);
        this.waiter = new Waiter<>(hub);
        this.remaining = count <= 0 ? this.objects.size() : Math.min(count, this.objects.size());
        this.wakesEarly = wakesEarly;
        this.ready = wakesEarly == null ? new ArrayDeque<>() : new ArrayDeque<>(remaining);
        try {
            for (T object : this.objects) {
                if (!(object instanceof Greenlet<?> g && g.linkInline(this))) {
                    Runnable link = () -> becameReady(object);
                    object.rawLink(link);
                    if (links == null) {
                        links = new Runnable[this.objects.size()];
                    }
                    links[linked] = link;
                }
                linked++;
            }
        } catch (RuntimeException | Error e) {
            unlinkAll();
            throw e;
        }
        this.deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        this.unlimited = timeout == null;
    }

    /**
     * gevent's {@code iwait(objects, timeout, count)}.
     *
     * @param timeout {@code null}: no limit
     * @param count   how many to yield at most; {@code <= 0}: all
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <T extends Waitable> Waiting<T> iwait(Collection<? extends T> objects, Duration timeout, int count) {
        return new Waiting<>(objects, timeout, count, null);
    }

    /**
     * As {@link #iwait} for a caller that collects what it yields rather than acting on
     * each: the reader wakes once all it still needs are ready (or the timeout passed), or
     * at an object {@code wakesEarly} accepts, instead of once per object; what it yields,
     * and in which order, is the same.
     */
    static <T extends Waitable> Waiting<T> collecting(Collection<? extends T> objects, Duration timeout, int count,
                                                      Predicate<? super T> wakesEarly) {
        return new Waiting<>(objects, timeout, count, Objects.requireNonNull(wakesEarly, "wakesEarly"));
    }

    /**
     * gevent's {@code wait(objects, timeout, count)}: blocks until {@code count} of the
     * objects (all when {@code count <= 0}) are ready or {@code timeout} passed
     * ({@code null}: no limit).
     *
     * @return the ready objects, in the order they became ready; never throws on expiry
     */
    public static <T extends Waitable> List<T> wait(Collection<? extends T> objects, Duration timeout, int count) {
        List<T> done = new ArrayList<>();
        try (Waiting<T> it = collecting(objects, timeout, count, object -> false)) {
            while (it.hasNext()) {
                done.add(it.next());
            }
        }
        return done;
    }

    /**
     * gevent's {@code wait()} without objects: runs the hub's loop until it has nothing left
     * to do (no greenlet can run, no watcher is active) or {@code timeout} passed
     * ({@code null}: no limit). Must be called by a hub's main greenlet (its platform
     * thread).
     *
     * @return true if the loop ran out of work, false if the timeout passed first
     * @throws IllegalStateException when called in a greenlet
     */
    public static boolean waitAll(Duration timeout) {
        Waiter.checkTimeout(timeout);
        RawGreenlet current = RawGreenlet.current();
        if (!current.isMain()) {
            throw new IllegalStateException("waitAll() runs the loop until it is empty: call it from the hub's "
                    + "platform thread, not from a greenlet (" + current + ")");
        }
        Hub hub = current.hub();
        Waiter<Void> waiter = new Waiter<>(hub);
        TimerWatcher timer = null;
        try {
            if (timeout != null) {
                timer = hub.loop().timer(timeout);
                timer.unref();
                timer.start(waiter);
            }
            waiter.get();
            return false;
        } catch (LoopExit e) {
            return true;
        } finally {
            if (timer != null) {
                timer.close();
            }
        }
    }

    /** Blocks until another object is ready; false once {@code count} were yielded or the timeout passed. */
    @Override
    public boolean hasNext() {
        hub.checkCurrent(this);
        while (true) {
            if (remaining <= 0 || closed) {
                close();
                return false;
            }
            if (!ready.isEmpty()) {
                return true;
            }
            if (expired) {
                close();
                return false;
            }
            waiter.clear();
            expired = !waiter.getWithin(left(), Boolean.FALSE);
        }
    }

    /** What is left of the timeout: {@code null} without one, zero once it passed. */
    private Duration left() {
        return unlimited ? null : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The next object to become ready. @throws NoSuchElementException if the iteration ended */
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        remaining--;
        return ready.pollFirst();
    }

    /** This iteration itself: it can be iterated once. */
    @Override
    public Iterator<T> iterator() {
        return this;
    }

    /** Ends the iteration: unregisters from the objects. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        hub.checkCurrent(this);
        closed = true;
        unlinkAll();
    }

    /** Called by {@code greenlet}, one of the objects, that took this iteration as its inline link. */
    @SuppressWarnings("unchecked")
    void finished(Greenlet<?> greenlet) {
        becameReady((T) greenlet);
    }

    private void becameReady(T object) {
        ready.addLast(object);
        if (!waiter.ready() && (wakesEarly == null || ready.size() >= remaining || wakesEarly.test(object))) {
            waiter.switchTo(Boolean.TRUE);
        }
    }

    private void unlinkAll() {
        for (int i = 0; i < linked; i++) {
            Runnable link = links == null ? null : links[i];
            if (link == null) {
                ((Greenlet<?>) objects.get(i)).unlinkInline(this);
            } else {
                objects.get(i).unlinkRaw(link);
            }
        }
    }

    @Override
    public String toString() {
        return "Waiting[objects=" + objects.size() + ", ready=" + ready.size() + ", remaining=" + remaining
                + (expired ? ", expired" : "") + (closed ? ", closed" : "") + "]";
    }
}
