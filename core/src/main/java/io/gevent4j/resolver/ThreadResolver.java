package io.gevent4j.resolver;

import io.gevent4j.AbstractResult;
import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * The JDK's {@link InetAddress} lookups run on a {@link ThreadPool} (gevent's default
 * {@code thread} resolver): the calling greenlet waits cooperatively while a pool thread
 * blocks in the system resolver, so the hub serves its other greenlets meanwhile. As many
 * lookups overlap as the pool has threads.
 *
 * <p>Hub-thread only: one made with a pool must be called on that pool's hub, else
 * {@link IllegalStateException}; the default one uses the calling hub's
 * {@link ThreadPool#of(Hub)} and holds no reference to any hub. A kill or Timeout of the
 * caller ends its wait; the pool thread finishes the lookup and drops the answer.
 */
public final class ThreadResolver implements Resolver {

    /** The pool, or null for the calling hub's own (so that this resolver keeps no hub alive). */
    private final ThreadPool pool;

    /** Uses the calling hub's own pool, {@link ThreadPool#of(Hub)}, at each lookup. */
    public ThreadResolver() {
        this.pool = null;
    }

    /** Uses {@code pool}. */
    public ThreadResolver(ThreadPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public List<InetAddress> lookupAll(String host) throws UnknownHostException {
        BlockingResolver.checkHost(host);
        return offload(() -> List.of(InetAddress.getAllByName(host)));
    }

    @Override
    public String reverseLookup(InetAddress address) throws UnknownHostException {
        Objects.requireNonNull(address, "address");
        BlockingResolver blocking = new BlockingResolver();
        return offload(() -> blocking.reverseLookup(address));
    }

    private <T> T offload(Callable<T> lookup) throws UnknownHostException {
        try {
            return (pool != null ? pool : ThreadPool.of(Hub.current())).apply(lookup);
        } catch (CompletionException e) {
            throw AbstractResult.unwrap(e, UnknownHostException.class);
        }
    }

    @Override
    public String toString() {
        return "ThreadResolver[" + (pool != null ? pool : "the hub's threadpool") + "]";
    }
}
