package io.gevent4j.resolver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which name servers did not answer lately (c-ares' server failover): a server that let a
 * query time out is asked after the others for {@link #RETRY_AFTER}, so a dead first server
 * no longer adds its full timeout to every lookup; an answer from it, or the time passing,
 * puts it back in its place. Thread-safe.
 */
final class ServerHealth {

    /** How long a silent server stays at the end of the order. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final ConcurrentHashMap<InetSocketAddress, Long> silentSince = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    ServerHealth(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** {@code servers} in order, those silent lately moved to the end (in their order). */
    List<InetSocketAddress> order(List<InetSocketAddress> servers) {
        List<InetSocketAddress> alive = new ArrayList<>(servers.size());
        List<InetSocketAddress> silent = new ArrayList<>(0);
        for (InetSocketAddress s : servers) {
            (isSilent(s) ? silent : alive).add(s);
        }
        alive.addAll(silent);
        return alive;
    }

    /** {@code server} let a query time out. */
    void silent(InetSocketAddress server) {
        silentSince.put(server, nanoClock.getAsLong());
    }

    /** {@code server} answered. */
    void answered(InetSocketAddress server) {
        silentSince.remove(server);
    }

    private boolean isSilent(InetSocketAddress server) {
        Long since = silentSince.get(server);
        if (since == null) {
            return false;
        }
        if (nanoClock.getAsLong() - since >= RETRY_AFTER.toNanos()) {
            silentSince.remove(server, since);
            return false;
        }
        return true;
    }
}
