package io.gevent4j.http;

import io.gevent4j.Gevent;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A server's accept loop, run by one greenlet: hands each accepted socket to
 * {@code onAccept} (which must not block) until the listening socket is closed. Accept
 * errors (too many open files, aborted connections) are logged and retried after a pause
 * that doubles up to one second, so they never spin a core nor end the server.
 */
final class Acceptor {

    private static final Logger LOG = System.getLogger("io.gevent4j.http");
    private static final Duration FIRST_PAUSE = Duration.ofMillis(5);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);

    private final ListeningSocket listener;
    private final Consumer<StreamSocket> onAccept;

    Acceptor(ListeningSocket listener, Consumer<StreamSocket> onAccept) {
        this.listener = listener;
        this.onAccept = onAccept;
    }

    /** Accepts until the listening socket closes. */
    void run() {
        Duration pause = FIRST_PAUSE;
        while (!listener.isClosed()) {
            StreamSocket socket;
            try {
                socket = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                LOG.log(Level.WARNING, "accept failed, retrying in " + pause.toMillis() + " ms: " + e);
                Gevent.sleep(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                continue;
            }
            pause = FIRST_PAUSE;
            onAccept.accept(socket);
        }
    }
}
