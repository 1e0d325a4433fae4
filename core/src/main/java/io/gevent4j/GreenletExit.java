package io.gevent4j;

/**
 * Raised in a greenlet to kill it; a greenlet that ends with it counts as successful
 * ({@link Greenlet#successful()}) with a {@code null} value and {@link Greenlet#killed()}.
 * It extends {@link Error}, as gevent's derives from {@code BaseException}, so a
 * {@code catch (Exception e)} in user code does not swallow a kill.
 */
public class GreenletExit extends Error {

    /** A kill with the default message. */
    public GreenletExit() {
        super("greenlet killed");
    }

    /** A kill with a message. */
    public GreenletExit(String message) {
        super(message);
    }
}
