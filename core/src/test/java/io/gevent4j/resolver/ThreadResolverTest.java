package io.gevent4j.resolver;

import io.gevent4j.FreshHub;
import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class ThreadResolverTest {

    @Test
    void lookupsRunOnThePoolAndErrorsComeBackAsUnknownHost() {
        FreshHub.run(() -> {
            ThreadPool pool = new ThreadPool(2);
            ThreadResolver r = new ThreadResolver(pool);
            // "localhost" and literals are answered by the JDK without a network query
            assertTrue(r.lookup("localhost").isLoopbackAddress());
            assertEquals(List.of(InetAddress.ofLiteral("127.0.0.1")), r.lookupAll("127.0.0.1"));
            // an invalid literal fails inside the JDK: the pool hands the same exception back
            assertThrows(UnknownHostException.class, () -> r.lookupAll("[::1"));
            assertThrows(IllegalArgumentException.class, () -> r.lookupAll(""));
            AtomicReference<Thread> ran = new AtomicReference<>();
            pool.apply(() -> {
                ran.set(Thread.currentThread());
                return null;
            });
            assertTrue(ran.get().getName().startsWith("gevent4j-threadpool-"));
            pool.kill();
        });
    }

    @Test
    void resolversChosenByConfiguration() {
        FreshHub.run(() -> {
            Resolver r = Resolvers.current();
            assertInstanceOf(ThreadResolver.class, r, "the default is the thread resolver, as in gevent");
            assertSame(r, Resolvers.current());
            assertTrue(ThreadPool.of(Hub.current()).maxSize() > 0);
            assertInstanceOf(BlockingResolver.class, Resolvers.create("blocking"));
            assertInstanceOf(NativeResolver.class, Resolvers.create(" Native "));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resolvers.create("ares"));
            assertTrue(e.getMessage().contains("thread, native or blocking"));
        });
    }

    @Test
    void aClosedHubIsNotKeptAliveByItsResolver() throws Exception {
        java.lang.ref.WeakReference<Hub> ref = FreshHub.call(() -> {
            Resolvers.current().lookupAll("127.0.0.1"); // the default (thread) resolver, on the hub's pool
            return new java.lang.ref.WeakReference<>(Hub.current());
        });
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "the closed hub was collected");
    }
}
