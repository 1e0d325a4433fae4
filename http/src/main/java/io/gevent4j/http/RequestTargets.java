package io.gevent4j.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The request targets a hub's connections received lately, each with its string and its
 * parsed {@link URI} (both immutable, so requests share them): a keep-alive client asks for
 * the same few paths again and again, and a target seen before then costs neither a string
 * nor a URI parse. A small direct-mapped table: a target replaces the one whose slot it
 * hashes to. Hub-thread only.
 */
final class RequestTargets {

    /** A request target: its bytes, its text and its URI. */
    record Target(byte[] bytes, String text, URI uri) {
    }

    private static final int SLOTS = 64;
    /** Longer targets are parsed every time: they are seldom repeated, and would pin memory. */
    private static final int MAX_CACHED_LENGTH = 256;

    private final Target[] slots = new Target[SLOTS];

    /**
     * The target {@code a[from, to)} (visible ASCII, checked by the caller).
     *
     * @throws HttpStatusException 400 if it is not a URI
     */
    Target get(byte[] a, int from, int to) throws HttpStatusException {
        int n = to - from;
        if (n > MAX_CACHED_LENGTH) {
            return parse(Arrays.copyOfRange(a, from, to));
        }
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + a[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        Target t = slots[slot];
        if (t != null && Arrays.equals(t.bytes(), 0, t.bytes().length, a, from, to)) {
            return t;
        }
        t = parse(Arrays.copyOfRange(a, from, to));
        slots[slot] = t;
        return t;
    }

    private static Target parse(byte[] bytes) throws HttpStatusException {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        try {
            return new Target(bytes, text, new URI(text));
        } catch (URISyntaxException e) {
            throw new HttpStatusException(400, "request target is not a URI");
        }
    }
}
