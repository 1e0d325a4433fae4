package io.gevent4j.resolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * The JDK's {@link InetAddress} lookups called directly (gevent's {@code blocking}
 * resolver): a lookup inside a greenlet blocks the whole hub until the system resolver
 * answers. For programs whose names are all literals or in the hosts file, and for
 * comparison. Thread-safe: any thread may call it.
 */
public final class BlockingResolver implements Resolver {

    @Override
    public List<InetAddress> lookupAll(String host) throws UnknownHostException {
        checkHost(host);
        return List.of(InetAddress.getAllByName(host));
    }

    @Override
    public String reverseLookup(InetAddress address) throws UnknownHostException {
        Objects.requireNonNull(address, "address");
        String name = InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
        if (name.equals(address.getHostAddress())) {
            throw new UnknownHostException("no host name for " + address.getHostAddress());
        }
        return name;
    }

    static void checkHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
    }

    @Override
    public String toString() {
        return "BlockingResolver";
    }
}
