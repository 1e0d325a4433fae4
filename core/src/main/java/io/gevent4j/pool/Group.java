package io.gevent4j.pool;

import io.gevent4j.AbstractResult;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.event.AsyncResult;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A set of running greenlets (gevent's {@code Group}): greenlets spawned through it or
 * {@linkplain #add added} to it leave it by themselves when they die; the group can be
 * joined and killed as a whole, and runs functions over collections with
 * {@link #map}, {@link #imap} and {@link #imapUnordered}.
 *
 * <p>A group has no size limit ({@link #freeCount()} is {@link Integer#MAX_VALUE},
 * {@link #full()} is false); {@link Pool} adds one.
 *
 * <p><b>Threads.</b> A group belongs to the hub it was created on; every method must be
 * called on that hub's thread and throws {@link IllegalStateException} elsewhere.
 *
 * <p><b>Killing.</b> As gevent's, a group remembers the members it is killing (its
 * <em>dying</em> set): {@link #kill} and {@link #killOne} never raise into a member twice,
 * and a blocking {@code killOne} of a member already dying returns at once.
 *
 * <p><b>Implementation overview.</b> Members sit in an insertion-ordered map to the raw
 * link that discards them at their death (and from the dying set); an {@link Event} is set
 * while the group is empty, which is what {@link #join} waits for.
 */
public class Group implements Iterable<Greenlet<?>> {

    final Hub hub;
    private final LinkedHashMap<Greenlet<?>, Runnable> members = new LinkedHashMap<>();
    private final Set<Greenlet<?>> dying = new HashSet<>();
    private final Event empty = new Event();

    /** An empty group of the current thread's hub. */
    public Group() {
        this.hub = Hub.current();
        empty.set();
    }

    /** Spawns a greenlet running {@code body} in the group (waiting for a free slot in a {@link Pool}). */
    public Greenlet<Void> spawn(Runnable body) {
        return start(new Greenlet<Void>(body));
    }

    /** Spawns a greenlet whose value is what {@code body} returns, in the group. */
    public <T> Greenlet<T> spawn(Callable<T> body) {
        return start(new Greenlet<>(body));
    }

    /** Adds an unstarted greenlet (waiting for a free slot in a {@link Pool}), then starts it. */
    public <T> Greenlet<T> start(Greenlet<T> greenlet) {
        add(greenlet);
        greenlet.start();
        return greenlet;
    }

    /** Makes {@code greenlet} a member until it dies; adding a member again does nothing. */
    public void add(Greenlet<?> greenlet) {
        Objects.requireNonNull(greenlet, "greenlet");
        hub.checkCurrent(this);
        if (members.containsKey(greenlet)) {
            return;
        }
        Runnable leave = () -> discard(greenlet);
        members.put(greenlet, leave);
        empty.clear();
        greenlet.rawLink(leave);
    }

    /** Removes {@code greenlet} from the group without killing it; does nothing if it is not a member. */
    public void discard(Greenlet<?> greenlet) {
        hub.checkCurrent(this);
        Runnable leave = members.remove(greenlet);
        if (leave == null) {
            return;
        }
        greenlet.unlinkRaw(leave);
        dying.remove(greenlet);
        if (members.isEmpty()) {
            empty.set();
        }
        slotFreed();
    }

    /** Called when a member left; a {@link Pool} admits a waiting spawner here. */
    void slotFreed() {
    }

    /** The member count without the thread check, for toString and subclasses. */
    final int greenletCount() {
        return members.size();
    }

    /** Whether {@code greenlet} is a member. */
    public boolean contains(Greenlet<?> greenlet) {
        hub.checkCurrent(this);
        return members.containsKey(greenlet);
    }

    /** How many members the group has. */
    public int size() {
        hub.checkCurrent(this);
        return members.size();
    }

    /** The members now, in the order they were added. */
    public List<Greenlet<?>> greenlets() {
        hub.checkCurrent(this);
        return List.copyOf(members.keySet());
    }

    /** Iterates over a snapshot of the members. */
    @Override
    public Iterator<Greenlet<?>> iterator() {
        return greenlets().iterator();
    }

    /** Blocks until the group is empty; returns {@code true}, as gevent's {@code join()}. */
    public boolean join() {
        return join(null);
    }

    /**
     * Blocks until the group is empty or {@code timeout} passed ({@code null}: no limit).
     *
     * @return whether every member finished
     */
    public boolean join(Duration timeout) {
        hub.checkCurrent(this);
        return empty.await(timeout);
    }

    /**
     * gevent's {@code join(timeout, raise_error)}: as {@link #join(Duration)}, and with
     * {@code raiseError}, once the wait ends, rethrows the error of the first member (in the
     * order they were added) that failed, as {@link Greenlet#get()} does.
     *
     * @return whether every member finished
     */
    public boolean join(Duration timeout, boolean raiseError) {
        hub.checkCurrent(this);
        List<Greenlet<?>> watched = raiseError ? greenlets() : List.of();
        boolean empty = join(timeout);
        for (Greenlet<?> g : watched) {
            if (g.exception() != null) {
                g.getNow();
            }
        }
        return empty;
    }

    /** Kills every member with {@link GreenletExit} and waits until the group is empty. */
    public void kill() {
        kill(new GreenletExit(), true, null);
    }

    /**
     * Raises {@code exception} in every member not already dying; with {@code block}, waits
     * until the members die or {@code timeout} passed ({@code null}: no limit), and kills
     * the members added meanwhile too, until the group is empty (gevent's loop). Never
     * throws on expiry.
     */
    public void kill(Throwable exception, boolean block, Duration timeout) {
        Objects.requireNonNull(exception, "exception");
        hub.checkCurrent(this);
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Greenlet<?>> targets = new ArrayList<>();
            for (Greenlet<?> g : members.keySet()) {
                if (dying.add(g)) {
                    targets.add(g);
                }
            }
            Gevent.killAll(targets, exception, false, null);
            if (!block || members.isEmpty()) {
                return;
            }
            Duration left = timeout == null ? null : Duration.ofNanos(deadline - System.nanoTime());
            List<Greenlet<?>> all = greenlets();
            if (left != null && !left.isPositive() || Gevent.joinAll(all, left).size() < all.size()) {
                return;
            }
        }
    }

    /** Kills {@code greenlet} with {@link GreenletExit} and waits for it, if it is a member. */
    public void killOne(Greenlet<?> greenlet) {
        killOne(greenlet, new GreenletExit(), true, null);
    }

    /**
     * Raises {@code exception} in {@code greenlet} if it is a member not already dying; with
     * {@code block}, then waits for it at most {@code timeout}. Does nothing for a member
     * being killed already (gevent's rule: a greenlet is killed once).
     */
    public void killOne(Greenlet<?> greenlet, Throwable exception, boolean block, Duration timeout) {
        hub.checkCurrent(this);
        if (members.containsKey(greenlet) && dying.add(greenlet)) {
            greenlet.kill(exception, false, null);
            if (block) {
                greenlet.join(timeout);
            }
        }
    }

    /** How many more greenlets can start without waiting: unlimited for a group. */
    public int freeCount() {
        hub.checkCurrent(this);
        return Integer.MAX_VALUE;
    }

    /** Whether a spawn would wait now: never for a group. */
    public boolean full() {
        return freeCount() <= 0;
    }

    /** Blocks until a spawn would not wait; returns {@link #freeCount()}. A group never waits. */
    public int waitAvailable() {
        return waitAvailable(null);
    }

    /** Blocks at most {@code timeout} until a spawn would not wait; returns {@link #freeCount()}. */
    public int waitAvailable(Duration timeout) {
        hub.checkCurrent(this);
        return freeCount();
    }

    /**
     * Runs {@code body} in a member and returns its value, or rethrows its error as
     * {@link Greenlet#get()} does. Called from a member of this group, it runs inline.
     */
    public <T> T apply(Callable<T> body) {
        hub.checkCurrent(this);
        if (RawGreenlet.current() instanceof Greenlet<?> g && members.containsKey(g)) {
            return AbstractResult.call(body);
        }
        return spawn(body).get();
    }

    /**
     * Starts {@code body} in a member without ever blocking, even when a {@link Pool} is
     * full (a helper greenlet outside the group then waits for a slot).
     *
     * @return the result: the value, or the error (which the hub also reports once)
     */
    public <T> AsyncResult<T> applyAsync(Callable<T> body) {
        return applyAsync(body, null);
    }

    /** As {@link #applyAsync(Callable)}; {@code callback}, if not null, gets the value on success, from the hub. */
    public <T> AsyncResult<T> applyAsync(Callable<T> body, Consumer<? super T> callback) {
        Objects.requireNonNull(body, "body");
        hub.checkCurrent(this);
        AsyncResult<T> result = new AsyncResult<>();
        if (callback != null) {
            result.rawLink(() -> {
                if (result.successful()) {
                    callback.accept(result.value());
                }
            });
        }
        if (full()) {
            Gevent.spawn(() -> {
                spawn(body).link(result);
            });
        } else {
            spawn(body).link(result);
        }
        return result;
    }

    /**
     * gevent's {@code apply_cb}: {@link #apply} and then, if {@code callback} is not null,
     * gives it the value; returns the value.
     */
    public <T> T applyCallback(Callable<T> body, Consumer<? super T> callback) {
        T value = apply(body);
        if (callback != null) {
            callback.accept(value);
        }
        return value;
    }

    /**
     * gevent's {@code map_async}: runs {@link #map} in a new greenlet (not a member) and
     * returns it at once; its value is the list of results, its error the first failure.
     */
    public <A, R> Greenlet<List<R>> mapAsync(Function<? super A, ? extends R> function, Iterable<? extends A> items) {
        return mapAsync(function, items, null);
    }

    /**
     * As {@link #mapAsync(Function, Iterable)}; {@code callback}, if not null, gets the list
     * of results on success, from the hub.
     */
    public <A, R> Greenlet<List<R>> mapAsync(Function<? super A, ? extends R> function, Iterable<? extends A> items,
                                             Consumer<? super List<R>> callback) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(items, "items");
        hub.checkCurrent(this);
        Greenlet<List<R>> mapping = new Greenlet<>(() -> map(function, items));
        if (callback != null) {
            mapping.linkValue(g -> callback.accept(g.value()));
        }
        return mapping.start();
    }

    /**
     * Applies {@code function} to each item in members and returns the results in input
     * order; rethrows the first failure in input order (as {@link Greenlet#get()}).
     */
    public <A, R> List<R> map(Function<? super A, ? extends R> function, Iterable<? extends A> items) {
        List<R> out = new ArrayList<>();
        IMap<R> results = imap(function, items);
        while (results.hasNext()) {
            out.add(results.next());
        }
        return out;
    }

    /**
     * Applies {@code function} to each item in members, concurrently, and yields the
     * results in input order as they become available. A failed item throws its error from
     * {@code next()} at its position, and the iteration goes on with the next item.
     */
    public <A, R> IMap<R> imap(Function<? super A, ? extends R> function, Iterable<? extends A> items) {
        return imap(function, items, 0);
    }

    /**
     * As {@link #imap(Function, Iterable)}, with at most {@code maxsize} results started and
     * not yet consumed (≤ 0: no bound): tasks wait for the reader beyond that.
     */
    public <A, R> IMap<R> imap(Function<? super A, ? extends R> function, Iterable<? extends A> items, int maxsize) {
        return new IMap<>(this, function, items, maxsize, true);
    }

    /** As {@link #imap(Function, Iterable)} but yields results in the order they finish. */
    public <A, R> IMap<R> imapUnordered(Function<? super A, ? extends R> function, Iterable<? extends A> items) {
        return imapUnordered(function, items, 0);
    }

    /** As {@link #imapUnordered(Function, Iterable)}, with a bound on results started and not consumed. */
    public <A, R> IMap<R> imapUnordered(Function<? super A, ? extends R> function, Iterable<? extends A> items,
                                        int maxsize) {
        return new IMap<>(this, function, items, maxsize, false);
    }


    @Override
    public String toString() {
        return getClass().getSimpleName() + "[size=" + members.size() + "]";
    }
}
