package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A request's header fields as handlers see them: a {@link Headers} that refuses every
 * change with {@link UnsupportedOperationException}, views and value lists included. It
 * keeps a copy of the head's header lines, which {@link RequestParser} validated already,
 * and builds the map of fields only when a handler first reads it: a handler that never
 * looks at the request headers costs one small array per request, not a map, its lists and
 * its strings. Keys are spelled as {@link Headers} spells them (first letter upper case,
 * the rest lower); lookups ignore case as {@link Headers}' do. Immutable; any thread may
 * read it (the map is built at most once per thread that races to build it, and published
 * safely).
 */
final class RequestHeaders extends HeaderFields {

    /** The header lines, each {@code name ":" OWS value OWS CRLF}, without the blank line that ends the head. */
    private final byte[] lines;
    private volatile Map<String, List<String>> fields;

    /** @param lines validated header lines (see the field); taken over, not copied */
    RequestHeaders(byte[] lines) {
        this.lines = lines;
    }

    @Override
    public List<String> put(String key, List<String> value) {
        throw refused();
    }

    @Override
    public void add(String key, String value) {
        throw refused();
    }

    @Override
    public void set(String key, String value) {
        throw refused();
    }

    @Override
    public List<String> remove(Object key) {
        throw refused();
    }

    @Override
    public void putAll(Map<? extends String, ? extends List<String>> t) {
        throw refused();
    }

    @Override
    public void clear() {
        throw refused();
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super List<String>, ? extends List<String>> function) {
        throw refused();
    }

    @Override
    public List<String> putIfAbsent(String key, List<String> value) {
        throw refused();
    }

    @Override
    public boolean remove(Object key, Object value) {
        throw refused();
    }

    @Override
    public boolean replace(String key, List<String> oldValue, List<String> newValue) {
        throw refused();
    }

    @Override
    public List<String> replace(String key, List<String> value) {
        throw refused();
    }

    @Override
    public List<String> computeIfAbsent(String key, Function<? super String, ? extends List<String>> f) {
        throw refused();
    }

    @Override
    public List<String> computeIfPresent(String key, BiFunction<? super String, ? super List<String>, ? extends List<String>> f) {
        throw refused();
    }

    @Override
    public List<String> compute(String key, BiFunction<? super String, ? super List<String>, ? extends List<String>> f) {
        throw refused();
    }

    @Override
    public List<String> merge(String key, List<String> value,
                              BiFunction<? super List<String>, ? super List<String>, ? extends List<String>> f) {
        throw refused();
    }

    @Override
    public boolean isEmpty() {
        return lines.length == 0;
    }

    @Override
    Map<String, List<String>> fields() {
        Map<String, List<String>> f = fields;
        if (f == null) {
            f = parse(lines);
            fields = f;
        }
        return f;
    }

    /** The fields of validated header lines, as an unmodifiable map of unmodifiable lists. */
    private static Map<String, List<String>> parse(byte[] a) {
        Map<String, List<String>> map = new HashMap<>();
        int i = 0;
        while (i < a.length) {
            int nameStart = i;
            while (a[i] != ':') {
                i++;
            }
            String name = HeaderNames.canonical(a, nameStart, i);
            i++;
            while (a[i] == ' ' || a[i] == '\t') {
                i++;
            }
            int valueStart = i;
            while (a[i] != '\r') {
                i++;
            }
            int valueEnd = i;
            while (valueEnd > valueStart && (a[valueEnd - 1] == ' ' || a[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            map.computeIfAbsent(name, k -> new ArrayList<>(1))
                    .add(new String(a, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1));
            i += 2;
        }
        map.replaceAll((name, values) -> Collections.unmodifiableList(values));
        return Collections.unmodifiableMap(map);
    }

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("request headers are immutable");
    }
}
