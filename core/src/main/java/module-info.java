/**
 * gevent4j: gevent's cooperative greenlets for Java. Greenlets are virtual threads whose
 * scheduler is a hub (one per platform thread) running an event loop; one greenlet of a hub
 * runs at a time and switches only where it blocks.
 *
 * <p>Needs {@code --add-opens java.base/java.lang=io.gevent4j} (or {@code =ALL-UNNAMED} on
 * the class path).
 */
module io.gevent4j {
    exports io.gevent4j;
    exports io.gevent4j.hub;
}
