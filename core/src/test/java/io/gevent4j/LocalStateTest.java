package io.gevent4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * gevent's {@code local}: greenlet-local state. A greenlet is a virtual thread, so a JDK
 * {@link ThreadLocal} and {@link ScopedValue} already are per greenlet: no gevent4j class is
 * needed, and these tests pin that.
 */
class LocalStateTest {

    private static final ThreadLocal<String> NAME = new ThreadLocal<>();
    private static final ThreadLocal<List<Integer>> SEEN = ThreadLocal.withInitial(ArrayList::new);
    private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();
    private static final ScopedValue<String> REQUEST = ScopedValue.newInstance();

    @Test
    void threadLocalIsPerGreenletAcrossSwitches() {
        FreshHub.run(() -> {
            NAME.set("main");
            Map<String, String> seen = new TreeMap<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                gs.add(Gevent.spawn(() -> {
                    assertNull(NAME.get(), "a new greenlet starts without the spawner's value");
                    NAME.set(name);
                    for (int i = 0; i < 3; i++) {
                        SEEN.get().add(i);
                        Gevent.sleep(0);
                    }
                    seen.put(name, NAME.get() + ":" + SEEN.get().size());
                }));
            }
            Gevent.joinAll(gs);
            assertEquals(Map.of("a", "a:3", "b", "b:3", "c", "c:3"), seen);
            assertEquals("main", NAME.get());
            assertEquals(0, SEEN.get().size());
            NAME.remove();
        });
    }

    @Test
    void inheritableThreadLocalIsCopiedAtSpawn() {
        FreshHub.run(() -> {
            INHERITED.set("parent");
            Greenlet<String> child = Gevent.spawn(() -> {
                String before = INHERITED.get();
                INHERITED.set("child");
                return before;
            });
            assertEquals("parent", child.get());
            assertEquals("parent", INHERITED.get());
            INHERITED.remove();
        });
    }

    @Test
    void scopedValueIsPerGreenlet() {
        FreshHub.run(() -> {
            Map<String, String> seen = new TreeMap<>();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (String req : List.of("r1", "r2")) {
                gs.add(Gevent.spawn(() -> ScopedValue.where(REQUEST, req).run(() -> {
                    Gevent.sleep(0);
                    Gevent.sleep(0);
                    seen.put(req, REQUEST.get());
                })));
            }
            ScopedValue.where(REQUEST, "main").run(() -> {
                Gevent.joinAll(gs);
                assertEquals("main", REQUEST.get());
            });
            assertEquals(Map.of("r1", "r1", "r2", "r2"), seen);
            assertEquals(false, REQUEST.isBound());
        });
    }
}
