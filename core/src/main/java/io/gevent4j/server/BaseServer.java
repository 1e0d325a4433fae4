package io.gevent4j.server;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.event.Event;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.pool.Group;
import io.gevent4j.pool.Pool;
import io.gevent4j.socket.AbstractSocket;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link StreamServer} and {@link DatagramServer} share (gevent's {@code BaseServer}):
 * the lifecycle, the greenlet that receives connections or datagrams, the group the
 * handlers run in, and graceful stopping.
 *
 * <p><b>Lifecycle.</b> A server is <em>new</em> until {@link #start()}, which binds its
 * socket (unless it was given one already bound) and makes it <em>started</em>: one
 * greenlet, the receiver, accepts connections (or receives datagrams) and spawns one
 * handler greenlet for each in the server's {@linkplain #group() group}. {@link #close()}
 * or {@link #stop(Duration)} make it <em>closed</em>, for good: the socket is closed and
 * nothing more is accepted; a closed server cannot be started again. Options
 * ({@link #spawnIn}, {@link #maxConcurrency}, {@link #stopTimeout}, {@link #onStop}) can only
 * be set while the server is new.
 *
 * <p><b>Full.</b> With a {@link Pool} (given to {@link #spawnIn} or made by
 * {@link #maxConcurrency}), or a {@link #maxConcurrency} limit over the hubs of a hub group,
 * the receiver stops accepting while the limit is reached and goes on when a handler ends,
 * as gevent's servers do: connections (or datagrams) beyond the limit wait in the kernel.
 *
 * <p><b>Errors.</b> A failed accept or receive (too many open files, a connection aborted
 * before it was accepted) is reported and retried after a pause that doubles from 10 ms
 * to 1 s while the failures go on: it never spins a core and never ends the server. An
 * exception escaping a handler (but {@link GreenletExit}) is reported once, with the peer's
 * address, and ends that handler only. Reports go to {@link Hub#handleError} (by default
 * the {@code io.gevent4j.hub} {@link System.Logger}).
 *
 * <p><b>Threads.</b> A server belongs to the hub of the thread that created it. Its methods
 * must be called on that hub (its platform thread or one of its greenlets) and throw
 * {@link IllegalStateException} elsewhere. The receiver and every handler are greenlets of
 * that hub: one of them runs at a time, switching only where it blocks; except that a
 * {@link StreamServer} given a {@link StreamServer#hubGroup hub group} runs its handlers on
 * the group's hubs.
 *
 * @param <S> the server's own type, which the option setters return
 */
public abstract sealed class BaseServer<S extends BaseServer<S>> implements AutoCloseable
        permits StreamServer, DatagramServer {

    /** How long {@link #stop()} lets handlers finish, as gevent's {@code stop_timeout}. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(1);
    /** How long {@link #stop(Duration)} waits for killed handlers to end. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(1);

    private enum State { NEW, STARTED, CLOSED }

    /** The hub the server, its receiver and its handlers belong to. */
    final Hub hub;
    private State state = State.NEW;
    private Group group;
    /** How many handlers may run at once, set by {@link #maxConcurrency}; 0 for no limit. */
    private int maxConcurrency;
    private HubGroup hubGroup;
    /** The address the server was created with; {@code null} for a socket given already bound. */
    private final SocketAddress requested;
    /** The address its socket was bound to, once it was. */
    private SocketAddress bound;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private Runnable onStop = () -> { };
    private final Event closed = new Event();
    private final Backoff backoff = new Backoff();
    private Greenlet<Void> receiver;

    /** A server of the current hub that will serve {@code requested} ({@code null}: a socket given already bound). */
    BaseServer(SocketAddress requested) {
        this.hub = Hub.current();
        this.requested = requested;
    }

    /**
     * Runs the handlers in {@code group} instead of a group of the server's own; a
     * {@link Pool} limits how many run at once, and accepting pauses while it is full.
     * {@link #stop(Duration)} kills what is still running in it, the handlers and anything
     * else. Replaces an earlier {@link #maxConcurrency}.
     *
     * @throws IllegalStateException if the server was started, or {@code group} belongs to another hub
     */
    public S spawnIn(Group group) {
        Objects.requireNonNull(group, "group");
        checkHandlerGroupOption("spawnIn");
        this.group = group;
        this.maxConcurrency = 0;
        return self();
    }

    /**
     * Runs at most {@code handlers} handlers at once (gevent's {@code spawn=n}): in a
     * {@link Pool} of that size, made at {@link #start()}, or, for a server given a hub group
     * ({@link StreamServer#hubGroup}, {@link DatagramServer#hubGroup}), on all the group's
     * hubs together.
     * Accepting pauses while the limit is reached. Replaces an earlier {@link #spawnIn}.
     *
     * @throws IllegalArgumentException if {@code handlers} is not positive
     * @throws IllegalStateException if the server was started
     */
    public S maxConcurrency(int handlers) {
        if (handlers <= 0) {
            throw new IllegalArgumentException("maxConcurrency must be positive: " + handlers);
        }
        checkNew("maxConcurrency");
        this.group = null;
        this.maxConcurrency = handlers;
        return self();
    }

    /** The limit set by {@link #maxConcurrency}, or 0 for none. */
    final int maxConcurrencyLimit() {
        return maxConcurrency;
    }

    /**
     * The group the receiver spawns handlers in when {@link #spawnIn} gave none, made by
     * {@link #start()}: a {@link Pool} of the {@link #maxConcurrency} limit, or a plain group.
     */
    private Group newHandlerGroup() {
        if (hubGroup != null) {
            return new Group(); // the server's hub runs no handler: its group stays empty, without a limit
        }
        return maxConcurrency > 0 ? new Pool(maxConcurrency) : new Group();
    }

    /**
     * How long {@link #stop()} and {@link #serveForever()} let running handlers finish
     * before killing them; {@link #DEFAULT_STOP_TIMEOUT} unless set.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException if the server was started
     */
    public S stopTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative stop timeout: " + timeout);
        }
        checkNew("stopTimeout");
        this.stopTimeout = timeout;
        return self();
    }

    /**
     * Runs {@code hook} when {@link #stop(Duration)} begins, once nothing more is accepted and
     * before the handlers are waited for: on each hub that runs handlers, in a greenlet of that
     * hub. A protocol whose handlers wait idle between requests (HTTP keep-alive) ends those
     * waits here, so that stopping does not last the whole timeout. What the hook throws is
     * reported; stopping goes on. Not run by {@link #close()}.
     *
     * @throws IllegalStateException if the server was started
     */
    public S onStop(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        checkNew("onStop");
        this.onStop = hook;
        return self();
    }

    /**
     * Binds the socket (unless the server was given one) and starts accepting: the receiver
     * greenlet runs once the caller blocks. Does not block.
     *
     * @throws IOException if binding fails; the server is then closed
     * @throws IllegalStateException if the server was started or closed before
     */
    public S start() throws IOException {
        hub.checkCurrent(this);
        if (state != State.NEW) {
            throw new IllegalStateException(this + " cannot start: it was started before");
        }
        if (group == null) {
            group = newHandlerGroup();
        }
        try {
            open();
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
        state = State.STARTED;
        receiver = Gevent.spawn(this::receive);
        receiver.setName(this + " receiver");
        return self();
    }

    /**
     * Starts the server if it is new, then blocks the caller until the server is closed
     * (by {@link #close()}, {@link #stop}, or a handler), then stops it with the
     * {@linkplain #stopTimeout stop timeout}. A kill or {@code Timeout} raised in the
     * caller meanwhile stops the server the same way, then propagates.
     *
     * @throws IOException if the server was new and binding failed
     */
    public void serveForever() throws IOException {
        hub.checkCurrent(this);
        if (state == State.NEW) {
            start();
        }
        try {
            closed.await();
        } finally {
            stop(stopTimeout);
        }
    }

    /** {@link #stop(Duration)} with the {@linkplain #stopTimeout stop timeout}. */
    public void stop() {
        stop(stopTimeout);
    }

    /**
     * Stops gracefully: closes the server at once (nothing more is accepted), runs the
     * {@linkplain #onStop stop hook}, lets the
     * running handlers finish for up to {@code timeout}, then kills those still running
     * with {@link GreenletExit} and waits up to one more second for them to end. Blocks
     * the caller meanwhile. Calling it again does the waiting again; on a server that never
     * started it only closes it.
     *
     * @throws IllegalStateException if called from one of this server's handlers (which
     *         would wait for itself; call {@link #close()} there)
     */
    public void stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        hub.checkCurrent(this);
        Greenlet<?> current = Greenlet.current();
        if (current != null && isHandler(current)) {
            throw new IllegalStateException("stop() called from a handler of " + this
                    + " would wait for itself: call close() there");
        }
        close();
        if (receiver == null) {
            return;
        }
        receiver.join();
        stopHandlers(timeout);
    }

    /**
     * Once accepting ended: runs the stop hook, then waits up to {@code timeout} for the
     * handlers and kills those still running. The server's own group by default.
     */
    void stopHandlers(Duration timeout) {
        stopGroup(group, timeout);
    }

    /** Whether {@code greenlet}, running on the current hub, is one of the server's handlers. */
    boolean isHandler(Greenlet<?> greenlet) {
        return group != null && group.contains(greenlet);
    }

    /**
     * Runs the stop hook, then waits up to {@code timeout} for {@code handlers} to end and
     * kills those still running. On the hub of {@code handlers}, in a greenlet.
     */
    final void stopGroup(Group handlers, Duration timeout) {
        try {
            onStop.run();
        } catch (RuntimeException e) {
            report("stop hook", e);
        }
        if (!handlers.join(timeout)) {
            handlers.kill(new GreenletExit(), true, KILL_TIMEOUT);
        }
    }

    /**
     * Stops accepting and closes the socket at once, without waiting; running handlers go
     * on (use {@link #stop(Duration)} to wait for them). Idempotent.
     */
    @Override
    public void close() {
        hub.checkCurrent(this);
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            if (receiver != null && receiver != Greenlet.current()) {
                receiver.kill(new GreenletExit(), false, null);
            }
            closeSocket();
        } catch (IOException e) {
            report("closing its socket", e);
        } finally {
            closed.set();
        }
    }

    /** Whether the server was started and is not closed: it accepts (or will, once a slot is free). */
    public boolean isStarted() {
        return state == State.STARTED;
    }

    /** Whether the server was closed (by {@link #close()}, {@link #stop} or a failed start). */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /**
     * The group the handlers run in: the one given to {@link #spawnIn}, else the one
     * {@link #start()} made (a pool of the {@link #maxConcurrency} limit, or the server's
     * own); {@code null} before {@link #start()} unless {@link #spawnIn} gave one.
     */
    public Group group() {
        return group;
    }

    /**
     * The address the server listens on: once started, the bound one (port 0 resolved);
     * before, the one it was created with.
     */
    public final SocketAddress address() {
        return bound != null ? bound : requested;
    }

    /** The address the server was created with; {@code null} for a socket given already bound. */
    final SocketAddress requested() {
        return requested;
    }

    /** Records the address the server's socket was bound to (port 0 resolved). */
    final void markBound(SocketAddress address) {
        this.bound = address;
    }

    /** Binds the socket, unless it was given; called once, by {@link #start()}. */
    abstract void open() throws IOException;

    /** The server's socket, or {@code null} before {@link #open()} when it was not given one. */
    abstract AbstractSocket socket();

    /** Closes the server's socket, if it has one; called once, by {@link #close()}. */
    void closeSocket() throws IOException {
        AbstractSocket socket = socket();
        if (socket != null) {
            socket.close();
        }
    }

    /**
     * Blocks the receiver until the next connection or datagram and spawns its handler in
     * {@code handlers}.
     */
    abstract void serveNext(Group handlers) throws IOException;

    /**
     * The receiver: serves until closed, pausing while the group is full and after errors.
     * Killed otherwise than by {@link #close()} (its hub closes), it closes the server, so
     * that no socket stays bound with nobody to serve it.
     */
    private void receive() {
        try {
            receiveUntilClosed();
        } catch (GreenletExit e) {
            close();
            throw e;
        }
    }

    private void receiveUntilClosed() {
        while (state == State.STARTED) {
            group.waitAvailable();
            try {
                serveNext(group);
                backoff.succeeded();
            } catch (ClosedChannelException e) {
                if (state == State.STARTED) {
                    report("stopped: its socket was closed", e);
                    close();
                }
                return;
            } catch (IOException e) {
                Duration pause = backoff.failed();
                report("failed to receive; retrying in " + pause.toMillis() + " ms", e);
                Gevent.sleep(pause);
            } catch (RuntimeException e) {
                report("stopped", e);
                close();
                return;
            }
        }
    }

    /**
     * Spawns, in {@code handlers}, a greenlet that runs {@code handling}, which releases what
     * it holds when it ends; killed before it ran, the greenlet releases it at its kill. If
     * the greenlet cannot be spawned (or its hub closed before it could start), what it holds
     * is released before this returns or throws.
     */
    final void spawnHandler(Group handlers, Handling<S> handling) {
        HandlerGreenlet handler = new HandlerGreenlet(handling);
        try {
            handlers.start(handler);
        } catch (RuntimeException | Error e) {
            handling.close();
            throw e;
        }
        if (handler.isDead()) {
            handling.close(); // killed at its start: its hub was closed
        }
    }

    /**
     * What a handler greenlet runs for one connection or datagram, on its server's hub. A
     * subclass's {@link #run()} calls the user's handler, hands what escapes it to
     * {@link #failed}, and ends with {@link #close()}, which releases what the handler holds
     * (its socket, a permit) once. The handler is called from {@code run()} itself: no frame
     * in between stays on the stack of every parked handler.
     *
     * @param <S> the server's type, whose handler a subclass calls
     */
    abstract static class Handling<S extends BaseServer<S>> implements Runnable {
        final S server;
        /** The peer's address, given to the handler and named in reports. */
        final SocketAddress peer;
        private boolean released;

        Handling(S server, SocketAddress peer) {
            this.server = server;
            this.peer = peer;
        }

        /** What escaped the handler: a kill is rethrown, anything else reported, with the peer's address. */
        final void failed(Throwable error) {
            if (error instanceof GreenletExit kill) {
                throw kill;
            }
            server.report("handler for " + peer, error);
        }

        /** Releases what the handler holds; called once, by {@link #close()}. */
        abstract void release() throws Exception;

        /** Releases what the handler holds, the first time only; reports what that throws. */
        final void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                release();
            } catch (Exception e) {
                server.report("closing the connection from " + peer, e);
            }
        }
    }

    /**
     * A handler's greenlet. Its {@link Handling} releases what it holds when its body ends;
     * a greenlet killed before it ran never runs its body, so its kill releases it instead.
     * That costs a handler no second link (the group's takes the greenlet's one inline slot,
     * and a second would make the greenlet's linkable).
     */
    private static final class HandlerGreenlet extends Greenlet<Void> {
        private final Handling<?> handling;

        HandlerGreenlet(Handling<?> handling) {
            super(handling);
            this.handling = handling;
        }

        /**
         * Kills as {@link Greenlet#kill(Throwable, boolean, Duration)} does; then, on the hub,
         * once the greenlet is dead, releases what its handling holds if the body did not
         * (it was killed before it ran). Every kill comes here: a group's, the hub's close, a
         * kill handed over from another thread (which calls this on the hub).
         */
        @Override
        public void kill(Throwable exception, boolean block, Duration timeout) {
            super.kill(exception, block, timeout);
            if (isDead() && hub().isCurrent()) {
                handling.close();
            }
        }
    }

    /** Reports {@code error} once, naming this server and {@code what} failed. */
    final void report(String what, Throwable error) {
        errorHub().handleError(this + ": " + what, error);
    }

    /** The hub whose {@link Hub#handleError} gets this server's reports: its own. */
    Hub errorHub() {
        return hub;
    }

    /** The hook given to {@link #onStop}, for a server that stops others with it. */
    final Runnable stopHook() {
        return onStop;
    }

    /** Blocks the calling greenlet, on the server's hub, until the server is closed. */
    final void awaitClosed() {
        closed.await();
    }

    /**
     * Throws {@link IllegalStateException} unless {@code option}, which gives the group the
     * handlers run in, may be set now: the server is new.
     */
    private void checkHandlerGroupOption(String option) {
        checkNew(option);
        if (hubGroup != null) {
            throw new IllegalStateException(option + " cannot be combined with hubGroup, which runs the handlers"
                    + " on each hub in a group of its own: " + this);
        }
    }

    /**
     * What the subclasses' {@code hubGroup(HubGroup)} set: serve from every hub of {@code hubs}.
     *
     * @throws IllegalStateException if the server was started, or was given a {@link #spawnIn group}
     */
    final void useHubGroup(HubGroup hubs) {
        Objects.requireNonNull(hubs, "hubs");
        checkNew("hubGroup");
        if (group != null) {
            throw new IllegalStateException("hubGroup runs the handlers on each hub in a group of its own: " + this
                    + " was given a group");
        }
        this.hubGroup = hubs;
    }

    /** The group of hubs the server serves from, or {@code null}: it serves from its own hub. */
    final HubGroup hubGroup() {
        return hubGroup;
    }

    /** Throws {@link IllegalStateException} unless on the server's hub and the server is new. */
    final void checkNew(String option) {
        hub.checkCurrent(this);
        if (state != State.NEW) {
            throw new IllegalStateException(option + " must be set before " + this + " starts");
        }
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + address() + ", " + state.name().toLowerCase(Locale.ROOT) + "]";
    }
}
