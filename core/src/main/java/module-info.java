/**
 * gevent4j: gevent's cooperative greenlets for Java. Greenlets are virtual threads whose
 * scheduler is a hub (one per platform thread) running an event loop; one greenlet of a hub
 * runs at a time and switches only where it blocks.
 *
 * <p>Needs {@code --add-opens java.base/java.lang=io.gevent4j} (or {@code =ALL-UNNAMED} on
 * the class path). Provides an {@link java.net.spi.InetAddressResolverProvider} that takes
 * over the JVM's name lookups only when {@code -Dgevent4j.dns=native} is set.
 */
module io.gevent4j {
    requires jdk.unsupported;

    exports io.gevent4j;
    exports io.gevent4j.hub;
    exports io.gevent4j.event;
    exports io.gevent4j.queue;
    exports io.gevent4j.lock;
    exports io.gevent4j.pool;
    exports io.gevent4j.socket;
    exports io.gevent4j.threadpool;
    exports io.gevent4j.resolver;
    exports io.gevent4j.monkey;
    exports io.gevent4j.config;
    exports io.gevent4j.fileobject;
    exports io.gevent4j.subprocess;
    exports io.gevent4j.server;
    exports io.gevent4j.monitor;
    exports io.gevent4j.backdoor;

    requires jdk.jfr;
    requires jdk.jshell;

    provides java.net.spi.InetAddressResolverProvider
            with io.gevent4j.resolver.GeventInetAddressResolverProvider;
}
