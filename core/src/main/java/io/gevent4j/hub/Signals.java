package io.gevent4j.hub;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JVM-wide table of the signals that {@link SignalWatcher}s watch: one
 * {@code sun.misc.Signal} handler per signal, installed when its first watcher starts and
 * replaced by the previous handler when its last one stops (or, if its hub closed without
 * stopping it, when the signal next arrives). Thread-safe; the handler runs on the JVM's
 * signal-dispatch thread and only hands the signal to the watchers' loops.
 */
final class Signals {

    private static final Map<String, Handled> HANDLED = new HashMap<>();

    private Signals() {
    }

    /**
     * Starts delivering the watcher's signal to it.
     *
     * @throws IllegalArgumentException if the signal is unknown or the JVM keeps it for itself
     */
    static void add(SignalWatcher watcher) {
        synchronized (HANDLED) {
            Handled h = HANDLED.get(watcher.signal());
            if (h == null) {
                h = new Handled(new Signal(watcher.signal()));
                h.previous = Signal.handle(h.signal, h);
                HANDLED.put(watcher.signal(), h);
            }
            h.watchers.add(watcher);
        }
    }

    /** Stops delivering the watcher's signal to it; the last one puts the previous handler back. */
    static void remove(SignalWatcher watcher) {
        synchronized (HANDLED) {
            Handled h = HANDLED.get(watcher.signal());
            if (h != null && h.watchers.remove(watcher) && h.watchers.isEmpty()) {
                Signal.handle(h.signal, h.previous);
                HANDLED.remove(watcher.signal());
            }
        }
    }

    /** One handled signal: its watchers, and the handler to restore. */
    private static final class Handled implements SignalHandler {
        final Signal signal;
        final CopyOnWriteArrayList<SignalWatcher> watchers = new CopyOnWriteArrayList<>();
        SignalHandler previous;

        Handled(Signal signal) {
            this.signal = signal;
        }

        @Override
        public void handle(Signal sig) {
            for (SignalWatcher w : watchers) {
                if (w.loop().isClosed()) {
                    remove(w);
                } else {
                    w.raised();
                }
            }
        }
    }
}
