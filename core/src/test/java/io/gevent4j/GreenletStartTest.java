package io.gevent4j;

import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a started greenlet gets its thread: made when its turn comes when the starting thread
 * hands nothing down, made at once when it does (inheritable thread-locals, its own context
 * class loader), and in both cases run in start order with what it inherits unchanged.
 */
class GreenletStartTest {

    private static final ClassLoader OWN_LOADER = new ClassLoader(GreenletStartTest.class.getClassLoader()) {
    };

    @Test
    void aGreenletStartedByAThreadWithNothingToHandDownGetsItsThreadWhenItRuns() {
        run(() -> {
            Greenlet<?> spawner = Gevent.spawn(() -> {
                Greenlet<Boolean> g = Gevent.spawn(() -> Greenlet.current().thread() == Thread.currentThread());
                assertNull(g.thread(), "no thread while it waits for its turn");
                assertTrue(g.get());
                assertSame(ClassLoader.getSystemClassLoader(), Gevent.spawn(
                        () -> Thread.currentThread().getContextClassLoader()).get());
            });
            spawner.get();
        });
    }

    @Test
    void inheritableThreadLocalsReachTheGreenletsTheirThreadStarts() {
        InheritableThreadLocal<String> local = new InheritableThreadLocal<>();
        run(() -> Gevent.spawn(() -> {
            local.set("spawner's");
            Greenlet<String> child = Gevent.spawn(local::get);
            assertNotNull(child.thread(), "made at once, on the thread it inherits from");
            assertEquals("spawner's", child.get());
        }).get());
    }

    @Test
    void theSpawnersContextClassLoaderReachesTheGreenletsItStarts() {
        run(() -> Gevent.spawn(() -> {
            Thread.currentThread().setContextClassLoader(OWN_LOADER);
            Greenlet<ClassLoader> child = Gevent.spawn(() -> Thread.currentThread().getContextClassLoader());
            assertSame(OWN_LOADER, child.get());
        }).get());
    }

    @Test
    void greenletsRunInStartOrderWhenSomeGetTheirThreadAtOnceAndOthersLater() {
        run(() -> {
            List<String> order = new ArrayList<>();
            Gevent.spawn(() -> {
                List<Greenlet<?>> all = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String name = (i % 2 == 0 ? "later" : "at once") + i;
                    Thread.currentThread().setContextClassLoader(
                            i % 2 == 0 ? ClassLoader.getSystemClassLoader() : OWN_LOADER);
                    all.add(Gevent.spawn(() -> order.add(name)));
                }
                Gevent.joinAll(all);
            }).get();
            assertEquals(List.of("later0", "at once1", "later2", "at once3", "later4", "at once5"), order);
        });
    }

    @Test
    void greenletsALinkStartsRunRightAfterItInStartOrder() {
        run(() -> {
            List<String> order = new ArrayList<>();
            Greenlet<?> first = Gevent.spawn(() -> order.add("first"));
            first.rawLink(() -> {
                Gevent.spawn(() -> order.add("later a"));
                Thread.currentThread().setContextClassLoader(OWN_LOADER);
                Gevent.spawn(() -> order.add("at once"));
                Thread.currentThread().setContextClassLoader(ClassLoader.getSystemClassLoader());
                Gevent.spawn(() -> order.add("later b"));
            });
            Greenlet<?> queued = Gevent.spawn(() -> {
                Gevent.sleep(0);
                order.add("queued before");
            });
            queued.join();
            assertEquals(List.of("first", "later a", "at once", "later b", "queued before"), order);
        });
    }

    @Test
    void aGreenletKilledBeforeItsTurnNeverRunsItsBodyAndLeavesTheHub() {
        run(() -> {
            Hub hub = Hub.current();
            List<String> ran = new ArrayList<>();
            Greenlet<?> g = Gevent.spawn(() -> ran.add("body"));
            assertEquals(1, hub.greenletCount());
            g.kill();
            assertTrue(g.killed());
            Gevent.sleep(0);
            assertEquals(List.of(), ran);
            assertNull(g.thread());
            assertEquals(0, hub.greenletCount());
        });
    }
}
