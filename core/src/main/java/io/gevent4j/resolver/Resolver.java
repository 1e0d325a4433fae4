package io.gevent4j.resolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name resolution for greenlets (gevent's resolver interface): forward lookups of host
 * names to addresses and reverse lookups of addresses to names. Which implementation a
 * hub uses is chosen by configuration ({@link Resolvers}).
 *
 * <p>What blocks and which threads may call depends on the implementation:
 * {@link ThreadResolver} and {@link NativeResolver} wait cooperatively in a greenlet (the
 * hub runs others meanwhile), {@link BlockingResolver} blocks the whole hub. A failed
 * lookup throws {@link UnknownHostException} whose message names the host and the cause.
 */
public interface Resolver {

    /**
     * The addresses of {@code host} (a name or an address literal), in the order the
     * implementation prefers; never empty.
     *
     * @throws UnknownHostException if the name does not exist or cannot be resolved now
     * @throws IllegalArgumentException if {@code host} is empty
     */
    List<InetAddress> lookupAll(String host) throws UnknownHostException;

    /** The first of {@link #lookupAll}. */
    default InetAddress lookup(String host) throws UnknownHostException {
        return lookupAll(host).getFirst();
    }

    /**
     * The host name of {@code address} (a PTR lookup, gevent's {@code gethostbyaddr}).
     *
     * @throws UnknownHostException if the address has no name
     */
    String reverseLookup(InetAddress address) throws UnknownHostException;
}
