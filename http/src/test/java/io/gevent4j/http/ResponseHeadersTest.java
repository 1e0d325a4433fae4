package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ResponseHeaders} keeps {@link Headers}' contract: each step below leaves both in the same state. */
class ResponseHeadersTest {

    private final Headers jdk = new Headers();
    private final Headers ours = new ResponseHeaders();

    private void both(Consumer<Headers> step) {
        step.accept(jdk);
        step.accept(ours);
        assertEquals(jdk, ours);
        assertEquals(ours, jdk);
        assertEquals(jdk.hashCode(), ours.hashCode());
        assertEquals(jdk.keySet(), ours.keySet());
        assertEquals(jdk.size(), ours.size());
        assertEquals(jdk.toString(), ours.toString());
    }

    @Test
    void everyChangeLeavesTheSameFieldsAsTheJdksHeaders() {
        both(h -> h.set("Content-Type", "text/plain"));
        both(h -> h.add("x-custom", "a"));
        both(h -> h.add("X-CUSTOM", "b"));
        both(h -> h.get("X-Custom").add("c"));
        both(h -> h.put("cache-control", new ArrayList<>(List.of("no-cache", "no-store"))));
        both(h -> h.putAll(java.util.Map.of("Location", List.of("/x"))));
        both(h -> h.putIfAbsent("location", List.of("/y")));
        both(h -> h.remove("CONTENT-type"));
        both(h -> h.replaceAll((k, v) -> List.of(k.toLowerCase())));
        both(h -> h.computeIfAbsent("etag", k -> new ArrayList<>(List.of("\"1\""))));
        assertEquals(jdk.getFirst("x-custom"), ours.getFirst("x-custom"));
        assertNull(ours.getFirst("Missing"));
        assertTrue(ours.containsKey("LOCATION"));
        assertTrue(ours.containsValue(jdk.get("Etag")));
        both(Headers::clear);
        assertTrue(ours.isEmpty());
        assertFalse(ours.containsKey("Etag"));
    }

    @Test
    void aNameOrValueThatCouldSplitTheResponseIsRefusedAsItIsPut() {
        for (Consumer<Headers> bad : List.<Consumer<Headers>>of(
                h -> h.set("X-A", "v\r\nSet-Cookie: x"),
                h -> h.add("X-A", "v\n"),
                h -> h.set("X-A\r\n", "v"),
                h -> h.set("X-A", "\u0100"),
                h -> h.put("X-A", List.of("ok", "bad\r")),
                h -> h.replaceAll((k, v) -> List.of("x\ny")))) {
            jdk.set("X-Keep", "1");
            ours.set("X-Keep", "1");
            assertThrows(IllegalArgumentException.class, () -> bad.accept(jdk));
            assertThrows(IllegalArgumentException.class, () -> bad.accept(ours));
        }
        both(h -> h.set("X-Folded", "a\r\n b"));
        assertThrows(NullPointerException.class, () -> ours.set("X-A", null));
        assertThrows(NullPointerException.class, () -> ours.containsKey(null));
    }
}
