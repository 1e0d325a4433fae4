package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request head's pieces that avoid allocating per request: {@link RequestHeaders} (a map
 * made lazily from the validated lines) answers as the JDK's {@link Headers} with the same
 * fields would; {@link HeaderNames} spells names as {@link Headers} does; {@link RequestTargets}
 * shares a repeated target and still refuses one that is not a URI.
 */
class RequestHeadersTest {

    private static final HttpServerLimits LIMITS = HttpServerLimits.SAFE;

    private static RequestHead parse(String head) throws HttpStatusException {
        byte[] a = head.getBytes(StandardCharsets.ISO_8859_1);
        return RequestParser.parse(a, 0, a.length, LIMITS, new RequestTargets());
    }

    @Test
    void theHeadersAnswerAsTheJdksHeadersWithTheSameFields() throws Exception {
        Headers h = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Multi:  one \r\nx-multi:\ttwo\r\nACCEPT: */*\r\nX-Empty:\r\n\r\n").headers();
        Headers jdk = new Headers();
        jdk.add("Host", "a");
        jdk.add("X-Multi", "one");
        jdk.add("X-Multi", "two");
        jdk.add("Accept", "*/*");
        jdk.add("X-Empty", "");
        assertEquals(jdk, h);
        assertEquals(h, jdk);
        assertEquals(jdk.hashCode(), h.hashCode());
        assertEquals(jdk.keySet(), h.keySet());
        assertEquals(4, h.size());
        assertEquals(List.of("one", "two"), h.get("X-MULTI"));
        assertEquals("one", h.getFirst("x-multi"));
        assertEquals("*/*", h.getFirst("Accept"));
        assertEquals("", h.getFirst("X-Empty"));
        assertTrue(h.containsKey("host"));
        assertTrue(h.containsValue(List.of("a")));
        assertNull(h.get("Missing"));
        assertNull(h.getFirst("Missing"));
        assertEquals(List.of("x"), h.getOrDefault("Missing", List.of("x")));
        assertFalse(h.isEmpty());
        assertTrue(h.toString().startsWith("Headers { {") && h.toString().contains("X-multi=[one, two]"), h.toString());
        assertThrows(NullPointerException.class, () -> h.containsKey(null));
        assertThrows(UnsupportedOperationException.class, () -> h.set("Host", "b"));
        assertThrows(UnsupportedOperationException.class, () -> h.get("Host").clear());
    }

    @Test
    void aHeadWithoutFieldsHasEmptyHeaders() throws Exception {
        Headers h = parse("GET / HTTP/1.0\r\n\r\n").headers();
        assertTrue(h.isEmpty());
        assertEquals(0, h.size());
        assertEquals(new Headers(), h);
    }

    @Test
    void namesAreSpelledAsTheJdkSpellsThemSharingTheCommonOnes() {
        Headers jdk = new Headers();
        for (String name : List.of("content-TYPE", "X-Custom", "x", "Ab-Cd-EF", "éX", "Content-type")) {
            jdk.clear();
            jdk.set(name, "v");
            assertEquals(jdk.keySet().iterator().next(), HeaderNames.normalize(name), name);
        }
        assertSame(HeaderNames.KNOWN[HeaderNames.CONTENT_LENGTH], HeaderNames.normalize("CONTENT-LENGTH"));
        String canonical = new String("X-already-spelled");
        assertSame(canonical, HeaderNames.normalize(canonical));
        assertEquals("\u212aeep-alive", HeaderNames.normalize("\u212aeep-alive"), "only ASCII letters change case");
    }

    @Test
    void aRepeatedTargetIsSharedAndABadOneRefused() throws Exception {
        RequestTargets targets = new RequestTargets();
        byte[] a = "x/p?q=1 /p?q=1 /other".getBytes(StandardCharsets.US_ASCII);
        RequestTargets.Target first = targets.get(a, 1, 7);
        assertEquals("/p?q=1", first.text());
        assertEquals("q=1", first.uri().getQuery());
        assertSame(first, targets.get(a, 8, 14));
        RequestTargets.Target other = targets.get(a, 15, 21);
        assertEquals("/other", other.uri().getPath());
        assertNotSame(first, other);
        byte[] bad = "/a b|c".getBytes(StandardCharsets.US_ASCII);
        assertEquals(400, assertThrows(HttpStatusException.class, () -> targets.get(bad, 4, 6)).status());
        byte[] longTarget = ("/" + "x".repeat(300)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(301, targets.get(longTarget, 0, longTarget.length).text().length());
    }
}
