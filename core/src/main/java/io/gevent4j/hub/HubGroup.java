package io.gevent4j.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several hubs, each on a platform thread of its own, to use every core from one process
 * (gevent runs one hub per process). Code inside one hub keeps gevent's contract (one
 * greenlet at a time, switches only where it blocks); hubs hand each other work only
 * through the thread-safe entries: {@link Hub#runThreadsafe}, {@code Gevent.spawnOn},
 * {@link #execute}, and the objects documented as thread-safe ({@code AsyncResult.set},
 * {@code Semaphore}).
 *
 * <pre>{@code
 * try (HubGroup hubs = HubGroup.start(Runtime.getRuntime().availableProcessors())) {
 *     Greenlet<String> g = Gevent.spawnOn(hubs.next(), () -> fetch(url));
 *     System.out.println(g.get());     // waits cooperatively on the caller's own hub
 * }
 * }</pre>
 *
 * <p>It is an {@link Executor}: {@link #execute} runs each task as a greenlet of the next
 * hub, round robin. Servers serve one address from every hub of a group:
 * {@code StreamServer.hubGroup(group)}, and for the JDK's HTTP server API
 * {@code httpServer.setExecutor(group)}. Each hub's platform thread is its main greenlet, waiting for
 * {@link #close()}, which ends the greenlets still alive; the greenlets run on the hub's
 * carrier thread.
 *
 * <p><b>Threads.</b> Every method is thread-safe. {@link #close()} stops the hubs and waits
 * for their threads; it must not be called from one of the group's own hubs. A hub of the
 * group may also be closed on its own (a greenlet there calls its {@link Hub#close()}): its
 * thread then ends, {@link #next()} and {@link #execute} skip it, and the group's
 * {@code close()} still stops the others.
 */
public final class HubGroup implements Executor, AutoCloseable {

    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final List<Hub> hubs;
    private final List<AsyncWatcher> stops;
    private final List<Thread> threads;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private volatile boolean closed;

    private HubGroup(List<Hub> hubs, List<AsyncWatcher> stops, List<Thread> threads) {
        this.hubs = hubs;
        this.stops = stops;
        this.threads = threads;
    }

    /**
     * Starts {@code n} hubs, each on a new platform thread ({@code gevent4j-group<g>-hub<i>}),
     * and returns once they all run. Blocks until each hub has started or failed to, an
     * interrupt meanwhile included (a hub starts in no time).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if a hub cannot start (the JVM lacks the flag gevent4j
     *         needs, which the message names), or if the caller was interrupted (its interrupt
     *         status is kept); either way the hubs that started are stopped first
     */
    public static HubGroup start(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a hub group needs at least one hub: " + n);
        }
        int group = GROUPS.incrementAndGet();
        Hub[] hubs = new Hub[n];
        AsyncWatcher[] stops = new AsyncWatcher[n];
        Throwable[] failures = new Throwable[n];
        List<Thread> threads = new ArrayList<>(n);
        CountDownLatch running = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            try {
                Thread thread = hubThread("gevent4j-group" + group + "-hub" + i, i, hubs, stops, failures, running);
                thread.start();
                threads.add(thread);
            } catch (RuntimeException | Error e) { // no thread for this hub (OutOfMemoryError): nor for the rest
                failures[i] = e;
                for (int rest = i; rest < n; rest++) {
                    running.countDown();
                }
                break;
            }
        }
        Loop.awaitUninterruptibly(running, Long.MAX_VALUE);
        boolean interrupted = Thread.currentThread().isInterrupted();
        Throwable failure = Arrays.stream(failures).filter(Objects::nonNull).findFirst().orElse(null);
        if (failure == null && !interrupted) {
            return new HubGroup(List.of(hubs), List.of(stops), List.copyOf(threads));
        }
        for (AsyncWatcher stop : stops) {
            if (stop != null) {
                stop.send();
            }
        }
        joinUninterruptibly(threads);
        if (failure != null) {
            throw new IllegalStateException("a hub of the group could not start: " + failure.getMessage(), failure);
        }
        throw new IllegalStateException("interrupted while the hubs of the group started; they are stopped");
    }

    /**
     * The thread of hub {@code index}: it makes the hub, records it (or its failure) and
     * counts {@code running} down, then waits as the hub's main greenlet for its stop.
     */
    private static Thread hubThread(String name, int index, Hub[] hubs, AsyncWatcher[] stops, Throwable[] failures,
            CountDownLatch running) {
        return new Thread(() -> {
            Hub hub;
            AsyncWatcher stop;
            try {
                hub = Hub.current();
                stop = hub.loop().async();
                hubs[index] = hub;
                stops[index] = stop;
            } catch (RuntimeException | Error e) { // the JVM lacks the flag: start() throws it
                failures[index] = e;
                return;
            } finally {
                running.countDown();
            }
            try {
                hub.await(stop);
            } catch (IllegalStateException e) {
                // a greenlet closed this hub, which ends its main greenlet's wait so
                if (!hub.isClosed()) {
                    throw e;
                }
            } finally {
                stop.close();
                hub.close();
            }
        }, name);
    }

    /** How many hubs the group has. */
    public int size() {
        return hubs.size();
    }

    /** The hubs, in the order {@link #next()} hands them out. */
    public List<Hub> hubs() {
        return hubs;
    }

    /**
     * The next hub that is not closed, round robin.
     *
     * @throws RejectedExecutionException if every hub of the group is closed
     */
    public Hub next() {
        for (int tried = 0; tried < hubs.size(); tried++) {
            Hub hub = hubs.get(Math.floorMod(nextIndex.getAndIncrement(), hubs.size()));
            if (!hub.isClosed()) {
                return hub;
            }
        }
        throw new RejectedExecutionException("every hub of " + this + " is closed");
    }

    /**
     * Runs {@code task} as a new greenlet of the {@linkplain #next() next hub}, queued behind
     * the work that hub already has; if that hub closes before it starts the task, the task
     * goes to the next open hub, and is dropped only when every hub closed. Never blocks. An
     * exception that ends the task is reported by that hub ({@link Hub#handleError}).
     *
     * @throws RejectedExecutionException if the group is closed, or every hub of it
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw new RejectedExecutionException("the hub group is closed");
        }
        Hub hub = next();
        hub.runThreadsafe(() -> {
            if (hub.isClosed()) {
                handOnward(task);
            } else {
                new TaskGreenlet(hub, task, this::handOnward).start();
            }
        }, () -> handOnward(task));
    }

    /** A task whose hub closed before starting it: to the next open hub, unless there is none. */
    private void handOnward(Runnable task) {
        try {
            execute(task);
        } catch (RejectedExecutionException everyHubClosed) {
            // documented: work handed to a group whose hubs all closed is dropped
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops every hub and waits for its thread to end: each hub's main greenlet returns and
     * closes its hub, which ends the greenlets still alive there ({@link Hub#close()}: a
     * spawned greenlet is killed, a task's greenlet gets a
     * {@link java.util.concurrent.CancellationException} where it blocks, which is not
     * reported as an error). Work handed to the group while it closes may not run. Idempotent;
     * hubs of the group closed on their own before are skipped.
     *
     * @throws IllegalStateException if called on one of the group's hubs
     */
    @Override
    public void close() {
        for (Hub hub : hubs) {
            if (hub.isCurrent()) {
                throw new IllegalStateException("a hub group cannot be closed from its own hub " + hub);
            }
        }
        closed = true;
        for (AsyncWatcher stop : stops) {
            stop.send();
        }
        joinUninterruptibly(threads);
    }

    /** Waits for {@code threads} to end; an interrupt meanwhile is kept for the caller. */
    private static void joinUninterruptibly(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "HubGroup[" + hubs.size() + " hubs" + (closed ? ", closed]" : "]");
    }
}
