package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IdleWatcher;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Waiter;
import io.gevent4j.monitor.RunInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * gevent's module-level functions: spawn greenlets, sleep, wait for and kill groups of
 * greenlets, and run code under a timeout.
 *
 * <p>Every method acts on the current thread's hub and must be called on a hub's thread
 * (a platform thread, which becomes its hub's main greenlet, or a greenlet). A blocking
 * method called on a platform thread runs that thread's hub until it returns; one called in
 * a greenlet lets the hub's other greenlets run meanwhile.
 */
public final class Gevent {

    private Gevent() {
    }

    /** Creates and starts a greenlet running {@code body}; it runs once the caller blocks. */
    public static Greenlet<Void> spawn(Runnable body) {
        return new Greenlet<Void>(body).start();
    }

    /** Creates and starts a greenlet whose value is what {@code body} returns. */
    public static <T> Greenlet<T> spawn(Callable<T> body) {
        return new Greenlet<>(body).start();
    }

    /**
     * Spawns a greenlet running {@code body} on {@code hub}, which may be another hub than
     * the caller's; any thread. On the caller's own hub it is {@link #spawn(Callable)}; on
     * another it is queued through {@link Hub#runThreadsafe} and starts when that hub gets
     * to it. The caller may {@code join}, {@code get} or {@code kill} the returned greenlet,
     * a join or get waiting cooperatively on its own hub; the greenlet's other methods belong
     * to {@code hub}'s thread. If {@code hub} closes before it starts the greenlet, the
     * greenlet never runs: it is dead, killed ({@link Greenlet#killed()}, a {@code null}
     * value), and its joiners wake, whichever thread closes the hub.
     *
     * @throws IllegalStateException if {@code hub} is closed already
     */
    public static <T> Greenlet<T> spawnOn(Hub hub, Callable<T> body) {
        if (hub.isCurrent()) {
            return spawn(body);
        }
        if (hub.isClosed()) {
            throw new IllegalStateException("cannot spawn on a closed hub: " + hub);
        }
        Greenlet<T> g = Greenlet.unstartedOn(hub, body);
        hub.runThreadsafe(g::start, g::hubClosedBeforeStart);
        return g;
    }

    /** Creates a greenlet that starts after {@code delay}. */
    public static Greenlet<Void> spawnLater(Duration delay, Runnable body) {
        return new Greenlet<Void>(body).startLater(delay);
    }

    /** Creates a greenlet that starts after {@code delay} and whose value is what {@code body} returns. */
    public static <T> Greenlet<T> spawnLater(Duration delay, Callable<T> body) {
        return new Greenlet<>(body).startLater(delay);
    }

    /**
     * Installs {@code handler} for the operating-system signal {@code signal} ({@code TERM} or
     * {@code SIGTERM}): each time the process receives it, the handler runs in a new greenlet
     * of the current hub (gevent's {@code signal_handler}). Several handlers of one signal all
     * run. See {@link SignalHandler} for what the handle does and
     * {@link io.gevent4j.hub.SignalWatcher} for the signals the JVM keeps.
     *
     * @throws IllegalArgumentException if the signal is unknown or the JVM keeps it for itself
     */
    public static SignalHandler signalHandler(String signal, Runnable handler) {
        return new SignalHandler(Hub.current(), signal, handler);
    }

    /**
     * Blocks the current greenlet for {@code duration}. Zero or negative lets every other
     * greenlet that is ready now run once, then resumes (gevent's {@code sleep(0)}); a
     * positive duration waits at least one loop iteration. A kill or Timeout is raised here.
     */
    public static void sleep(Duration duration) {
        sleepNanos(duration.toNanos());
    }

    /** {@link #sleep(Duration)} in seconds, as gevent spells it. */
    public static void sleep(double seconds) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException("sleep(NaN)");
        }
        sleepNanos(seconds >= Long.MAX_VALUE / 1e9 ? Long.MAX_VALUE : (long) (seconds * 1e9));
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            Hub hub = Hub.current();
            Waiter<Void> waiter = new Waiter<>(hub);
            hub.loop().runCallback(waiter);
            waiter.get();
            return;
        }
        RawGreenlet.sleep(nanos);
    }

    /** Blocks the current greenlet until the loop has nothing else to do (gevent's {@code idle()}). */
    public static void idle() {
        Hub hub = Hub.current();
        IdleWatcher idle = hub.loop().idle();
        try {
            hub.await(idle);
        } finally {
            idle.close();
        }
    }

    /**
     * The greenlet running now, or {@code null} on a hub's platform thread (its main
     * greenlet is {@link RawGreenlet#current()}).
     */
    public static Greenlet<?> getCurrent() {
        return Greenlet.current();
    }

    /** The current thread's hub. */
    public static Hub getHub() {
        return Hub.current();
    }

    /**
     * What every hub is doing (gevent's {@code format_run_info}): its greenlets as a spawn
     * tree with names, states and stack traces, and its loop's active watchers; see
     * {@link RunInfo}. Any thread; may wait up to a second for a busy hub to answer.
     */
    public static String formatRunInfo() {
        return RunInfo.format();
    }

    /** Prints {@link #formatRunInfo()} to {@code System.err} (gevent's {@code print_run_info}). */
    public static void printRunInfo() {
        System.err.print(RunInfo.format());
    }

    /** Waits until all of {@code greenlets} are dead; returns them in the order they finished. */
    public static List<Greenlet<?>> joinAll(Greenlet<?>... greenlets) {
        return joinAll(Arrays.asList(greenlets), null, false, 0);
    }

    /** Waits until all of {@code greenlets} are dead; returns them in the order they finished. */
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets) {
        return joinAll(greenlets, null, false, 0);
    }

    /** Waits at most {@code timeout} ({@code null}: no limit); returns those that finished, in that order. */
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout) {
        return joinAll(greenlets, timeout, false, 0);
    }

    /** As {@link #joinAll(Collection, Duration, boolean, int)} with no count. */
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout,
                                            boolean raiseError) {
        return joinAll(greenlets, timeout, raiseError, 0);
    }

    /**
     * Waits until {@code count} of {@code greenlets} (all of them when {@code count <= 0})
     * are dead or {@code timeout} passed; never throws {@link Timeout}. The greenlets may
     * belong to other hubs ({@link #spawnOn}): the caller waits cooperatively on its own hub.
     *
     * @param raiseError rethrow, as {@link Greenlet#get()} does, the error of the first
     *                   greenlet seen to fail, at once
     * @return the greenlets that finished, in the order they finished
     */
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout,
                                            boolean raiseError, int count) {
        List<Greenlet<?>> done = new ArrayList<>(count > 0 ? Math.min(count, greenlets.size()) : greenlets.size());
        Consumer<Greenlet<?>> take = g -> {
            done.add(g);
            if (raiseError && !g.successful()) {
                g.getNow();
            }
        };
        if (CrossHubJoin.spansHubs(greenlets)) {
            CrossHubJoin.joinAll(greenlets, timeout, count, take);
            return done;
        }
        Predicate<Greenlet<?>> wakesEarly = raiseError ? g -> !g.successful() : g -> false;
        try (Waiting<Greenlet<?>> finished = Waiting.collecting(greenlets, timeout, count, wakesEarly)) {
            for (Greenlet<?> g : finished) {
                take.accept(g);
            }
        }
        return done;
    }

    /** Kills each greenlet with {@link GreenletExit} and waits until all are dead. */
    public static void killAll(Collection<? extends Greenlet<?>> greenlets) {
        killAll(greenlets, new GreenletExit(), true, null);
    }

    /**
     * Raises {@code exception} in each greenlet (those that never ran die at once); with
     * {@code block}, waits until all are dead. The greenlets may belong to other hubs: their
     * kills are handed to those hubs ({@link Greenlet#kill(Throwable, boolean, Duration)}).
     *
     * @throws Timeout if {@code block} and {@code timeout} passed before all died
     */
    public static void killAll(Collection<? extends Greenlet<?>> greenlets, Throwable exception, boolean block,
                               Duration timeout) {
        List<Greenlet<?>> alive = new ArrayList<>();
        for (Greenlet<?> g : greenlets) {
            g.kill(exception, false, null);
            if (!g.ready()) {
                alive.add(g);
            }
        }
        if (block && !alive.isEmpty()) {
            List<Greenlet<?>> dead = joinAll(alive, timeout);
            if (dead.size() < alive.size()) {
                throw new Timeout(timeout);
            }
        }
    }

    /** Kills {@code greenlet} with {@link GreenletExit} without waiting (gevent's {@code gevent.kill}). */
    public static void kill(Greenlet<?> greenlet) {
        greenlet.kill(new GreenletExit(), false, null);
    }

    /** Raises {@code exception} in {@code greenlet} without waiting. */
    public static void kill(Greenlet<?> greenlet, Throwable exception) {
        greenlet.kill(exception, false, null);
    }

    /**
     * Runs {@code body} in the current greenlet under a timeout.
     *
     * @throws Timeout if it takes longer than {@code timeout}
     * @throws CompletionException wrapping a checked exception of the body
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> body) {
        try (Timeout ignored = Timeout.start(timeout)) {
            return AbstractResult.call(body);
        }
    }

    /** Runs {@code body} under a timeout; returns {@code timeoutValue} if this timeout (not another) expired. */
    public static <T> T withTimeout(Duration timeout, Callable<T> body, T timeoutValue) {
        Timeout t = Timeout.start(timeout);
        try {
            return AbstractResult.call(body);
        } catch (Timeout e) {
            if (e == t) {
                return timeoutValue;
            }
            throw e;
        } finally {
            t.cancel();
        }
    }

    /**
     * gevent's {@code wait(objects)}: blocks until every object is ready (a greenlet dead,
     * an event set, a result there...); returns them in the order they became ready.
     * See {@link Waiting}.
     */
    public static <T extends Waitable> List<T> wait(Collection<? extends T> objects) {
        return Waiting.wait(objects, null, 0);
    }

    /** gevent's {@code wait(objects, timeout)}: the objects ready within {@code timeout}; never throws on expiry. */
    public static <T extends Waitable> List<T> wait(Collection<? extends T> objects, Duration timeout) {
        return Waiting.wait(objects, timeout, 0);
    }

    /**
     * gevent's {@code wait(objects, timeout, count)}: blocks until {@code count} objects
     * ({@code <= 0}: all) are ready or {@code timeout} passed ({@code null}: no limit).
     */
    public static <T extends Waitable> List<T> wait(Collection<? extends T> objects, Duration timeout, int count) {
        return Waiting.wait(objects, timeout, count);
    }

    /** gevent's {@code iwait(objects)}: yields each object as it becomes ready. See {@link Waiting}. */
    public static <T extends Waitable> Waiting<T> iwait(Collection<? extends T> objects) {
        return Waiting.iwait(objects, null, 0);
    }

    /** gevent's {@code iwait(objects, timeout)}: the iteration ends when {@code timeout} passed. */
    public static <T extends Waitable> Waiting<T> iwait(Collection<? extends T> objects, Duration timeout) {
        return Waiting.iwait(objects, timeout, 0);
    }

    /** gevent's {@code iwait(objects, timeout, count)}: at most {@code count} objects ({@code <= 0}: all). */
    public static <T extends Waitable> Waiting<T> iwait(Collection<? extends T> objects, Duration timeout, int count) {
        return Waiting.iwait(objects, timeout, count);
    }

    /**
     * gevent's {@code wait()} without arguments (Java's {@code Object.wait()} takes the
     * name): runs the hub's loop until nothing is left to do, no greenlet able to run and no
     * watcher active. Call it from the hub's platform thread.
     *
     * @throws IllegalStateException when called in a greenlet
     */
    public static void waitAll() {
        Waiting.waitAll(null);
    }

    /**
     * {@link #waitAll()} for at most {@code timeout} ({@code null}: no limit).
     *
     * @return true if the loop ran out of work, false if {@code timeout} passed first
     */
    public static boolean waitAll(Duration timeout) {
        return Waiting.waitAll(timeout);
    }
}
