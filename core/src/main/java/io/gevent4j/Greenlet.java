package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.monitor.Monitoring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A unit of work that runs cooperatively on a hub (gevent's {@code Greenlet}): created
 * with a body, scheduled by {@link #start()} (or {@link Gevent#spawn}), run when the
 * greenlets before it have blocked, and observed through {@link #join()}, {@link #get()}
 * and links.
 *
 * <p><b>Ending.</b> The body's return value becomes {@link #value()}. An exception that
 * escapes the body ends the greenlet unsuccessfully: it does not propagate; the hub
 * reports it once, {@link #exception()} holds it and {@link #get()} rethrows it.
 * {@link GreenletExit} is a normal end: {@link #successful()} is true, {@link #value()} is
 * {@code null} and {@link #killed()} tells it from a return.
 *
 * <p><b>Waiting.</b> {@code join} never throws the greenlet's error; {@code get} rethrows
 * it as it is when unchecked, wrapped in {@link CompletionException} when checked; a
 * {@code get(Duration)} that expires and {@link #getNow()} on a running greenlet throw
 * {@link Timeout}. {@link #asFuture()} gives the {@link Future} contract instead.
 *
 * <p><b>Greenlet-local state.</b> A greenlet is a thread: a {@link ThreadLocal} or a bound
 * {@link ScopedValue} is per greenlet, which is gevent's {@code local}.
 *
 * <p><b>Threads.</b> A greenlet belongs to the hub it was created on; every method must be
 * called on that hub's thread (its greenlets or its platform thread) and throws
 * {@link IllegalStateException} elsewhere, except the state queries {@link #ready()},
 * {@link #isDead()}, {@link #successful()}, {@link #value()}, {@link #exception()} and
 * {@link #name()}, which may be read from any thread once a link or join ordered them, and
 * {@link #join()}, {@link #join(Duration)}, {@link #get()}, {@link #get(Duration)},
 * {@link #kill()} and {@link #kill(Throwable, boolean, Duration)}, which a greenlet of another
 * hub or any platform thread may call: a kill is handed to the greenlet's hub
 * ({@link Hub#runThreadsafe}), and a wait blocks cooperatively on the caller's own hub (see
 * {@link Gevent#spawnOn}). A joiner on another hub is woken by the greenlet's end whichever
 * thread ends it, also when its hub's close kills it.
 *
 * <p><b>Implementation overview.</b> The greenlet is its virtual thread's record
 * ({@link RawGreenlet}); {@code phase} goes NEW → SCHEDULED → RUNNING → DONE, and straight
 * to DONE when killed before it ran, in which case its thread, if already queued, exits at
 * once. The outcome ({@code result}, and {@code failed} when it is the error) is written
 * before {@code phase} becomes DONE (volatile), so a thread that reads DONE sees it. The
 * first raw link added while the greenlet is alive and has no {@link AbstractResult} yet
 * ({@code Gevent.joinAll}'s, a {@code Group}'s: usually the only one) is kept in
 * {@code link}, and the greenlet itself is queued as its notifier at the end, so it costs
 * no allocation; a {@link Waiting} (gevent's {@code iwait}, under {@code joinAll}) takes
 * that place itself rather than through a callback made for this greenlet. Every other link and joiner waits on the {@code AbstractResult}, made on
 * first use (most greenlets never get one): one FIFO notified by one loop callback after
 * the end, in the order they were added, completed at the end or, when made after it, at
 * once. The inline link was added before any link of the result and is notified first.
 *
 * <p>Loading this class starts the JVM's monitors if the settings ask for them
 * ({@link Monitoring#startIfEnabled()}).
 */
public class Greenlet<T> extends RawGreenlet implements Waitable.Linked {

    static {
        // the monitors watch every hub; the settings may ask for them (off by default)
        Monitoring.startIfEnabled();
    }

    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle NAME;
    private static final VarHandle END;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NAME = lookup.findVarHandle(Greenlet.class, "name", String.class);
            END = lookup.findVarHandle(Greenlet.class, "end", Greenlet.End.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private static final byte NEW = 0;
    private static final byte SCHEDULED = 1;
    private static final byte RUNNING = 2;
    private static final byte DONE = 3;

    /** A {@link Callable} or a {@link Runnable}: kept as given, so a Runnable costs no adapter. */
    private final Object body;
    private final boolean returnsValue;
    private final RawGreenlet spawning;
    /** Made by {@link #end()} on first use, through {@link #END} (any thread may make it). */
    private volatile End end;
    private volatile byte phase;
    private boolean killed;
    private boolean failed;
    /** The outcome, written before {@code phase} becomes DONE: the value, or the error if {@code failed}. */
    private Object result;
    private TimerWatcher startTimer;
    /**
     * The first link, kept here while it is the only one (see the class comment): a
     * {@code Runnable} or a {@link Waiting}. Hub thread only.
     */
    private Object link;
    /** Set by {@link #setName} or, lazily, {@link #name()}: through {@link #NAME} (read from any thread). */
    private String name;

    /** An unstarted greenlet of the current hub that runs {@code body}. */
    public Greenlet(Callable<T> body) {
        this(RawGreenlet.current(), Objects.requireNonNull(body, "body"), true);
    }

    /** An unstarted greenlet of the current hub that runs {@code body} and has a {@code null} value. */
    public Greenlet(Runnable body) {
        this(RawGreenlet.current(), Objects.requireNonNull(body, "body"), false);
    }

    private Greenlet(RawGreenlet spawning, Object body, boolean returnsValue) {
        super(spawning.hub());
        this.body = body;
        this.returnsValue = returnsValue;
        this.spawning = spawning;
    }

    /**
     * An unstarted greenlet of {@code hub} whose value is what {@code body} returns, made on
     * any thread; its spawning greenlet is {@code hub}'s main greenlet. Start it on the hub.
     */
    static <T> Greenlet<T> unstartedOn(Hub hub, Callable<T> body) {
        return new Greenlet<>(hub.mainGreenlet(), Objects.requireNonNull(body, "body"), true);
    }

    /**
     * Its hub closed before it started ({@link Gevent#spawnOn}'s start was dropped, or came
     * while the hub closed): it is dead, killed before it ran, and its joiners wake. On the
     * thread that found it so; nothing else touches a greenlet that never started.
     */
    void hubClosedBeforeStart() {
        if (phase == NEW) {
            if (!hub().isCurrent()) {
                // only greenlets of this hub link inline, and its close ended them; the loop's
                // queue, where the link's notifier would go, is the hub thread's alone
                link = null;
            }
            finish(null, new GreenletExit("its hub closed before it started: " + hub()));
        }
    }

    /**
     * The greenlet running now, or {@code null} when the current thread is not a
     * {@code Greenlet} (a hub's platform thread, a raw greenlet); see
     * {@link RawGreenlet#current()} for those.
     */
    public static Greenlet<?> current() {
        return RawGreenlet.current() instanceof Greenlet<?> g ? g : null;
    }

    /**
     * Schedules the greenlet to run after those already ready; does nothing if it was
     * started before or is dead. On a hub that is closing it never runs: it is killed at
     * once, as {@link Hub#close()} kills the greenlets it finds.
     */
    public Greenlet<T> start() {
        hub().checkCurrent(this);
        if (schedule()) {
            startThread(false);
        }
        return this;
    }

    /**
     * Schedules the greenlet to start after {@code delay}; does nothing if it was started
     * before. On a hub that is closing it is killed at once, as {@link #start()}.
     */
    public Greenlet<T> startLater(Duration delay) {
        hub().checkCurrent(this);
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay: " + delay);
        }
        if (schedule()) {
            startTimer = hub().loop().timer(delay);
            startsLater(true);
            startTimer.start(() -> {
                startTimer = null;
                startsLater(false);
                if (phase == SCHEDULED) {
                    startThread(false);
                }
            });
        }
        return this;
    }

    /**
     * A start's first step: from NEW to SCHEDULED, and says whether it went so. A greenlet
     * started before stays as it is; on a closing hub it is killed at once instead.
     */
    private boolean schedule() {
        if (phase != NEW) {
            return false;
        }
        if (hub().isClosed()) {
            hubClosedBeforeStart();
            return false;
        }
        phase = SCHEDULED;
        return true;
    }

    /** Whether the greenlet has finished: returned, raised, or was killed. Any thread. */
    @Override
    public boolean ready() {
        return phase == DONE;
    }

    /** Whether it is dead and will not run again (finished, or killed before it ran). Any thread. */
    @Override
    public boolean isDead() {
        return phase == DONE;
    }

    /** Whether it is scheduled or running and not dead: gevent's {@code bool(greenlet)}. */
    public boolean started() {
        byte p = phase;
        return p == SCHEDULED || p == RUNNING;
    }

    /** Whether it finished without an error; a {@link GreenletExit} counts as success. */
    public boolean successful() {
        return phase == DONE && !failed;
    }

    /** Whether it ended with {@link GreenletExit} (killed), rather than by returning. */
    public boolean killed() {
        return phase == DONE && killed;
    }

    /** The body's return value; {@code null} until it returned, and after an error or a kill. */
    @SuppressWarnings("unchecked")
    public T value() {
        return phase == DONE && !failed ? (T) result : null;
    }

    /** The exception that ended it unsuccessfully, or {@code null}. */
    public Throwable exception() {
        return phase == DONE && failed ? (Throwable) result : null;
    }

    /**
     * The name, {@code Greenlet-N} unless set. The first call gives the default name, once:
     * threads asking at the same time (the monitors do) all get the same one.
     */
    @Override
    public String name() {
        String n = (String) NAME.getAcquire(this);
        if (n == null) {
            String fresh = "Greenlet-" + IDS.incrementAndGet();
            String won = (String) NAME.compareAndExchange(this, null, fresh);
            n = won == null ? fresh : won;
        }
        return n;
    }

    /** Sets the name, also of the virtual thread once it exists. */
    public Greenlet<T> setName(String name) {
        NAME.setRelease(this, Objects.requireNonNull(name, "name"));
        if (thread() != null) {
            thread().setName(name);
        }
        return this;
    }

    /** The greenlet that created this one (the spawn tree); a hub's main greenlet for top-level ones. */
    @Override
    public RawGreenlet spawningGreenlet() {
        return spawning;
    }

    /** Spawned greenlets have no parent: their end is reported to links, not switched. */
    @Override
    public RawGreenlet parent() {
        return null;
    }

    /** Blocks the current greenlet until this one is dead. Never throws its error. */
    public void join() {
        join(null);
    }

    /**
     * Blocks until this greenlet is dead or {@code timeout} passed ({@code null}: no limit).
     *
     * @return whether it is dead
     */
    public boolean join(Duration timeout) {
        if (phase != DONE && !hub().isCurrent()) {
            return CrossHubJoin.join(this, timeout);
        }
        return phase == DONE || end().awaitOutcome(timeout);
    }

    /** Waits for the end and returns the value, or rethrows the error (checked ones in {@link CompletionException}). */
    public T get() {
        join(null);
        return getNow();
    }

    /**
     * Like {@link #get()} but waits at most {@code timeout}.
     *
     * @throws Timeout if the greenlet is still running then
     */
    public T get(Duration timeout) {
        if (!join(Objects.requireNonNull(timeout, "timeout"))) {
            throw new Timeout(timeout);
        }
        return getNow();
    }

    /**
     * The result without blocking.
     *
     * @throws Timeout if the greenlet has not finished
     */
    public T getNow() {
        if (phase != DONE) {
            throw new Timeout();
        }
        if (failed) {
            throw AbstractResult.rethrow((Throwable) result);
        }
        return value();
    }

    /** Kills it with {@link GreenletExit} and waits for it to die. */
    public void kill() {
        kill(new GreenletExit(), true, null);
    }

    /**
     * Raises {@code exception} in the greenlet where it blocks (now or at its next wait).
     * In a gevent4j wait it is thrown there. A JDK blocking call the greenlet is in, or
     * makes next, is interrupted and ends as the JDK specifies (often with its own
     * exception); the kill then stays pending and is thrown at the greenlet's next gevent4j
     * call, and if the body ends by an exception first (the JDK call's, say) the greenlet
     * ends with the kill instead, so a JDK exception cannot hide it (see
     * {@code docs/jdk-calls.md}). A body that returns first keeps its value.
     * A greenlet that has not run yet never runs: it is dead at once, and its links still
     * fire. With {@code block}, waits until it is dead or {@code timeout} passed
     * ({@code null}: no limit). Never throws the greenlet's error; does nothing on a dead one.
     * Called from another hub or thread, the kill is handed to the greenlet's hub and takes
     * effect when that hub runs it (a hub that closes first kills the greenlet anyway).
     */
    public void kill(Throwable exception, boolean block, Duration timeout) {
        Objects.requireNonNull(exception, "exception");
        if (!hub().isCurrent()) {
            if (phase != DONE) {
                hub().runThreadsafe(() -> kill(exception, false, null));
            }
            if (block) {
                join(timeout);
            }
            return;
        }
        if (phase == DONE) {
            return;
        }
        if (phase != RUNNING) {
            if (startTimer != null) {
                startTimer.close();
                startTimer = null;
                startsLater(false);
            }
            finish(null, exception);
            return;
        }
        raiseLater(exception);
        if (block) {
            join(timeout);
        }
    }

    /** Calls {@code callback} with this greenlet from the hub when it is dead, in the order links were added. */
    public Greenlet<T> link(Consumer<? super Greenlet<T>> callback) {
        end().rawLink(new Link(Objects.requireNonNull(callback, "callback"), Link.ALL));
        return this;
    }

    /** Like {@link #link} but only if it ends successfully. */
    public Greenlet<T> linkValue(Consumer<? super Greenlet<T>> callback) {
        end().rawLink(new Link(Objects.requireNonNull(callback, "callback"), Link.VALUE));
        return this;
    }

    /** Like {@link #link} but only if it ends with an error. */
    public Greenlet<T> linkException(Consumer<? super Greenlet<T>> callback) {
        end().rawLink(new Link(Objects.requireNonNull(callback, "callback"), Link.EXCEPTION));
        return this;
    }

    /** Removes the first link with {@code callback}; returns whether there was one. */
    public boolean unlink(Consumer<? super Greenlet<T>> callback) {
        hub().checkCurrent(this);
        End e = end;
        return e != null && e.unlink(callback);
    }

    /** How the greenlet ends, as a result made on first use (any thread): what other hubs' joiners wait on. */
    AbstractResult<T> result() {
        return end();
    }

    /**
     * Runs {@code callback} from the hub once this greenlet is dead (gevent's
     * {@code rawlink}), after the links added before it; at once (from the hub, soon) if it
     * is dead already.
     */
    @Override
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        hub().checkCurrent(this);
        if (link == null && end == null && phase != DONE) {
            link = callback;
        } else {
            end().rawLink(callback);
        }
    }

    /**
     * Makes {@code iteration} this greenlet's inline link, which then hands it this greenlet
     * when it is dead, if that place is free; returns whether it was.
     */
    boolean linkInline(Waiting<?> iteration) {
        hub().checkCurrent(this);
        if (link == null && end == null && phase != DONE) {
            link = iteration;
            return true;
        }
        return false;
    }

    /** Removes {@code iteration} linked by {@link #linkInline}, if it is still to be told. */
    void unlinkInline(Waiting<?> iteration) {
        if (link == iteration) {
            link = null;
        }
    }

    /** Removes a callback added with {@link #rawLink}; returns whether it was still to run. */
    @Override
    public boolean unlinkRaw(Runnable callback) {
        hub().checkCurrent(this);
        if (link != null && callback.equals(link)) {
            link = null;
            return true;
        }
        End e = end;
        return e != null && e.unlinkRaw(callback);
    }

    /**
     * How the greenlet ends, as a linkable made on first use, on which joiners and
     * {@link #link} callbacks wait. A callback given to this greenlet's {@link #rawLink} is
     * removed with its {@link #unlinkRaw}, not the linkable's: the first one is kept apart.
     */
    @Override
    public final Linkable linkable() {
        return end();
    }

    /**
     * A {@link Future} view: {@code get} waits (cooperatively on this hub, by blocking
     * elsewhere) and wraps an error in {@link ExecutionException}; a kill reads as a
     * {@code null} result; {@code cancel} kills the greenlet. Any thread.
     */
    public Future<T> asFuture() {
        return end().asFuture();
    }

    /** The hub closes: the greenlet is killed with {@link GreenletExit}, without waiting. */
    @Override
    protected void hubClosing() {
        kill(new GreenletExit(), false, null);
    }

    @Override
    protected final Object run(Object ignored) throws Throwable {
        if (phase == DONE) {
            return null;
        }
        phase = RUNNING;
        if (name != null) {
            thread().setName(name);
        }
        if (returnsValue) {
            return ((Callable<?>) body).call();
        }
        ((Runnable) body).run();
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected final void exit(Object value, Throwable error) {
        if (phase != DONE) {
            finish((T) value, error);
        }
    }

    /**
     * Records the outcome, then the phase: a thread that reads {@code DONE} (volatile) sees
     * the outcome; then completes the end if one was made.
     */
    private void finish(T value, Throwable error) {
        killed = error instanceof GreenletExit;
        if (error == null || killed) {
            result = killed ? null : value;
        } else {
            failed = true;
            result = error;
        }
        phase = DONE;
        if (link != null) {
            scheduleNotify();
        }
        End e = end;
        if (e != null) {
            e.complete();
        }
        if (failed) {
            hub().handleError(this, error);
        }
    }

    /** Runs the inline link, if it was not removed meanwhile; the hub calls it after the end. */
    @Override
    protected final void runLinks() {
        Object target = link;
        link = null;
        if (target instanceof Waiting<?> iteration) {
            iteration.finished(this);
        } else if (target != null) {
            Runnable callback = (Runnable) target;
            try {
                callback.run();
            } catch (Throwable t) {
                hub().handleError(callback, t);
            }
        }
    }

    /**
     * The end links and joiners wait on, made on first use; any thread. Made after the
     * greenlet died, it is completed at once. {@code finish} writes DONE before it reads
     * {@code end} and this publishes {@code end} before it reads the phase, so one of the
     * two completes it (both may: completing with the same outcome again changes nothing).
     */
    @SuppressWarnings("unchecked")
    private End end() {
        End e = end;
        if (e == null) {
            End made = new End();
            e = (End) END.compareAndExchange(this, null, made);
            if (e == null) {
                e = made;
                if (phase == DONE) {
                    e.complete();
                }
            }
        }
        return e;
    }

    @Override
    public String toString() {
        String state = switch (phase) {
            case NEW -> "new";
            case SCHEDULED -> "scheduled";
            case RUNNING -> "running";
            default -> exception() != null ? "failed: " + exception() : killed ? "killed" : "done";
        };
        return "Greenlet[" + name() + ", " + state + "]";
    }

    /** A link given a {@code Consumer} of the greenlet, filtered by how it ended. */
    private final class Link implements Runnable {
        static final int ALL = 0;
        static final int VALUE = 1;
        static final int EXCEPTION = 2;

        final Consumer<? super Greenlet<T>> target;
        final int kind;

        Link(Consumer<? super Greenlet<T>> target, int kind) {
            this.target = target;
            this.kind = kind;
        }

        @Override
        public void run() {
            boolean ok = exception() == null;
            if (kind == ALL || (kind == VALUE) == ok) {
                target.accept(Greenlet.this);
            }
        }

        @Override
        public String toString() {
            return target.toString();
        }
    }

    /** How the greenlet ended, waited for by joiners and links; cancelling its Future view kills the greenlet. */
    private final class End extends AbstractResult<T> {
        End() {
            super(Greenlet.this.hub());
        }

        /** Records the greenlet's outcome, which is there (phase DONE). */
        void complete() {
            if (failed) {
                completeException(Greenlet.this.exception());
            } else {
                completeValue(Greenlet.this.value());
            }
        }

        @Override
        protected void cancelWork(boolean mayInterruptIfRunning) {
            kill(new GreenletExit(), false, null);
        }

        boolean unlink(Consumer<?> callback) {
            return unlinkFirst(l -> l instanceof Greenlet<?>.Link link && link.target == callback);
        }
    }
}
