package io.gevent4j.resolver;

import io.gevent4j.config.Config;
import io.gevent4j.hub.Hub;

import java.util.Locale;

/**
 * The resolver a hub uses, chosen by configuration as gevent's {@code GEVENT_RESOLVER}:
 * the system property {@value #PROPERTY} (or {@code GEVENT4J_RESOLVER}, see {@link Config}) is {@code thread} (the default: JDK lookups on
 * the hub's {@link io.gevent4j.threadpool.ThreadPool}, {@link ThreadResolver}),
 * {@code native} (the pure-Java DNS client, {@link NativeResolver}, configured by its own
 * system properties) or {@code blocking} ({@link BlockingResolver}). Read when a hub
 * first asks.
 *
 * <p>{@link #current()} must be called on a hub's thread (a greenlet or its platform
 * thread); it throws {@link IllegalArgumentException} for an unknown setting.
 */
public final class Resolvers {

    /** The system property that chooses the resolver. */
    public static final String PROPERTY = "gevent4j.resolver";

    private Resolvers() {
    }

    /** The resolver of the current hub, created on first use: a service of the hub. */
    public static Resolver current() {
        return Hub.current().service(OfHub.class, h -> new OfHub(create(Config.get().resolver()))).resolver;
    }

    /** A hub's resolver, kept as its service; it holds nothing to release. */
    private record OfHub(Resolver resolver) implements AutoCloseable {
        @Override
        public void close() {
        }
    }

    /**
     * A new resolver of the named kind ({@code thread}, {@code native}, {@code blocking});
     * {@code thread} uses the current hub's pool.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Resolver create(String kind) {
        return switch (kind.strip().toLowerCase(Locale.ROOT)) {
            case "thread" -> new ThreadResolver();
            case "native" -> NativeResolver.builder().fromSystemProperties().build();
            case "blocking" -> new BlockingResolver();
            default -> throw new IllegalArgumentException("unknown resolver '" + kind + "' in -D" + PROPERTY
                    + ": use thread, native or blocking");
        };
    }
}
