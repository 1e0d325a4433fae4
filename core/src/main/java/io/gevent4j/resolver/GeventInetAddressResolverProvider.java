package io.gevent4j.resolver;

import io.gevent4j.config.Config;
import io.gevent4j.hub.Hub;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * Routes every {@link InetAddress} lookup of the JVM, third-party libraries included,
 * through {@link NativeResolver} (gevent's {@code patch_all(dns=True)}), so that lookups
 * made inside greenlets wait on their hub instead of blocking it. Opt-in, since it
 * replaces the system resolver for the whole JVM: it acts only when the system property
 * {@value #PROPERTY} (or {@code GEVENT4J_DNS}, see {@link Config}) is {@code native} at the JVM's first lookup (e.g.
 * {@code -Dgevent4j.dns=native}); otherwise it hands back the JDK's built-in resolver.
 * The native resolver reads the files and port given by {@link NativeResolver}'s system
 * properties.
 *
 * <p>Registered in {@code META-INF/services}. Lookups from greenlets and from a hub's own
 * platform thread (its main greenlet) wait cooperatively on their hub; from any other
 * thread (platform threads without a hub, the JDK's own virtual threads) they block only
 * that thread, their UDP queries sharing one socket per name server. Names the native resolver cannot
 * resolve fail with {@link UnknownHostException}: there is no fallback to the system
 * resolver (so nsswitch sources such as mDNS or LDAP are not consulted).
 */
public final class GeventInetAddressResolverProvider extends InetAddressResolverProvider {

    /** The system property that enables the provider: {@code native}. */
    public static final String PROPERTY = "gevent4j.dns";

    /** Called by the JDK's service loader. */
    public GeventInetAddressResolverProvider() {
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        if (!Config.get().dns().equals("native")) {
            return configuration.builtinResolver();
        }
        return new Adapter(NativeResolver.builder().fromSystemProperties().build());
    }

    @Override
    public String name() {
        return "gevent4j";
    }

    /** The {@link InetAddressResolver} face of a {@link NativeResolver}. */
    private record Adapter(NativeResolver resolver) implements InetAddressResolver {

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            int c = policy.characteristics();
            boolean v4 = (c & LookupPolicy.IPV4) != 0;
            boolean v6 = (c & LookupPolicy.IPV6) != 0;
            NativeResolver.Family family = v4 && !v6 ? NativeResolver.Family.IPV4
                    : v6 && !v4 ? NativeResolver.Family.IPV6
                    : (c & LookupPolicy.IPV6_FIRST) != 0 ? NativeResolver.Family.IPV6_FIRST
                    : NativeResolver.Family.IPV4_FIRST;
            return resolver.lookup(host, family, readiness()).stream();
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            if (addr.length != 4 && addr.length != 16) {
                throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + addr.length);
            }
            return resolver.reverse(addr, readiness());
        }

        /**
         * A greenlet, or a hub's own platform thread (its main greenlet), waits on its hub;
         * other threads (and a thread running a hub's loop, whose callbacks must not block)
         * block only themselves (sharing a UDP socket per name server, blocking on a TCP
         * channel of their own with socket timeouts), and never get a hub made for them.
         */
        private static Readiness readiness() {
            Thread t = Thread.currentThread();
            Hub hub = Hub.currentIfExists();
            if (hub != null && (t.isVirtual() || (t == hub.thread() && hub.loopThread() != t))) {
                return new Readiness.OnHub(hub);
            }
            return new Readiness.Blocking();
        }
    }
}
