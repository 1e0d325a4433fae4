package io.gevent4j.hub;

import java.util.Locale;

/**
 * Runs its callback on the hub's thread after the process received an operating-system
 * signal (libev's {@code ev_signal}); signals that arrive before the callback runs coalesce
 * into one call. Created by {@link Loop#signal(String)}; hub-thread only.
 *
 * <p>The JVM receives signals through {@code sun.misc.Signal} (module {@code jdk.unsupported}).
 * While at least one watcher of a signal is active, gevent4j's handler replaces the JVM's;
 * when the last one stops, the handler that was there before is put back. What this means
 * per signal:
 * <ul>
 * <li>The JVM keeps {@code SIGQUIT} (thread dumps), {@code SIGSEGV}, {@code SIGBUS},
 *     {@code SIGFPE}, {@code SIGILL} and {@code SIGTRAP} for itself, and nobody may handle
 *     {@code SIGKILL} or {@code SIGSTOP}: starting a watcher of {@code SIGQUIT}, {@code SIGSEGV},
 *     {@code SIGFPE}, {@code SIGILL}, {@code SIGKILL} or {@code SIGSTOP} throws, and the others
 *     must not be watched.</li>
 * <li>{@code SIGHUP}, {@code SIGINT} and {@code SIGTERM} start the JVM's shutdown (its
 *     shutdown hooks) unless handled: a watcher replaces that, so its callback decides whether
 *     and how the program ends (a graceful stop, then {@code System.exit}). Under
 *     {@code -Xrs} the JVM leaves them alone and they can be watched the same way.</li>
 * <li>{@code SIGUSR1}, {@code SIGUSR2}, {@code SIGWINCH}, {@code SIGCHLD}, {@code SIGALRM},
 *     {@code SIGPIPE} and the rest are free; HotSpot may use {@code SIGUSR2} internally on
 *     some platforms, so {@code SIGWINCH} or {@code SIGUSR1} are the safer choices for
 *     application events.</li>
 * </ul>
 */
public final class SignalWatcher extends Watcher {

    private final String signal;
    private final Runnable delivery = this::feed;

    /** A watcher of {@code signal}: a name such as {@code TERM} or {@code SIGTERM}, any case. */
    SignalWatcher(Loop loop, String signal) {
        super(loop);
        this.signal = canonical(signal);
    }

    /** The signal's name without {@code SIG}, such as {@code TERM}. */
    public String signal() {
        return signal;
    }

    /**
     * Makes the watcher active with {@code callback}.
     *
     * @throws IllegalArgumentException if the signal is unknown or the JVM keeps it for itself
     * @throws IllegalStateException if the watcher is closed or called off the hub's thread
     */
    @Override
    public void start(Runnable callback) {
        super.start(callback);
    }

    @Override
    void onStart() {
        try {
            Signals.add(this);
        } catch (IllegalArgumentException e) {
            stop();
            throw e;
        }
    }

    @Override
    void onStop() {
        Signals.remove(this);
    }

    /** The signal arrived; called on the JVM's signal-handling thread. */
    void raised() {
        loop.runCallbackThreadsafe(delivery);
    }

    @Override
    public String toString() {
        return "SignalWatcher[SIG" + signal + (active ? ", active" : "") + "]";
    }

    private static String canonical(String signal) {
        String name = signal.strip().toUpperCase(Locale.ROOT);
        return name.startsWith("SIG") ? name.substring(3) : name;
    }
}
