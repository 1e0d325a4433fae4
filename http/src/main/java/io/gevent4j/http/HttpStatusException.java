package io.gevent4j.http;

import java.io.IOException;

/**
 * A request the server refuses with {@link #status()}: malformed or hostile framing, or a
 * limit exceeded. It is an {@link IOException} because a handler meets it while reading the
 * request body; the connection answers with the status (if nothing was sent yet) and closes.
 */
final class HttpStatusException extends IOException {

    private final int status;

    HttpStatusException(int status, String message) {
        super(status + " " + message);
        this.status = status;
    }

    /** The status the client gets. */
    int status() {
        return status;
    }
}
