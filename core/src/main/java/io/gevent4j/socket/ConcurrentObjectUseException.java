package io.gevent4j.socket;

/**
 * Thrown when a greenlet starts waiting on one direction of a socket (reading, writing,
 * accepting) while another greenlet already waits on that same direction (gevent's
 * {@code ConcurrentObjectUseError}). One reader and one writer may wait on a socket at the
 * same time; two readers or two writers may not, since which of them would get the data is
 * undefined. The socket is not affected: the greenlet already waiting keeps waiting.
 */
public class ConcurrentObjectUseException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ConcurrentObjectUseException(String message) {
        super(message);
    }
}
