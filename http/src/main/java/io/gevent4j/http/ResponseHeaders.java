package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A response's header fields as the handler sets them: {@link Headers}' contract (keys
 * spelled {@code Content-type}, lookups ignoring case, mutable value lists, a CR or LF that
 * could split the response refused with {@link IllegalArgumentException} as it is put),
 * kept in a map of its own so that a name the handler spells as {@link Headers} does, or a
 * common one, is not copied on every call, and a value list is an {@link ArrayList} of one
 * rather than a {@link java.util.LinkedList}. Like {@link Headers}, not thread-safe: the
 * connection's greenlet uses it.
 */
final class ResponseHeaders extends HeaderFields {

    private final HashMap<String, List<String>> fields = new HashMap<>(8);

    @Override
    Map<String, List<String>> fields() {
        return fields;
    }

    @Override
    public List<String> put(String key, List<String> value) {
        checkName(key);
        for (String v : value) {
            checkValue(v);
        }
        return fields.put(HeaderNames.normalize(key), value);
    }

    @Override
    public void add(String key, String value) {
        checkName(key);
        checkValue(value);
        fields.computeIfAbsent(HeaderNames.normalize(key), k -> new ArrayList<>(1)).add(value);
    }

    @Override
    public void set(String key, String value) {
        List<String> values = new ArrayList<>(1);
        values.add(value);
        put(key, values);
    }

    @Override
    public List<String> remove(Object key) {
        return fields.remove(HeaderNames.normalize((String) key));
    }

    @Override
    public void putAll(Map<? extends String, ? extends List<String>> t) {
        t.forEach(this::put);
    }

    @Override
    public void clear() {
        fields.clear();
    }




    @Override
    public void replaceAll(BiFunction<? super String, ? super List<String>, ? extends List<String>> function) {
        fields.replaceAll((name, values) -> {
            List<String> replaced = Objects.requireNonNull(function.apply(name, values));
            replaced.forEach(ResponseHeaders::checkValue);
            return replaced;
        });
    }




    /** As {@link Headers} checks a name: no CR, no LF, nothing beyond Latin-1. */
    private static void checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\r' || c == '\n' || c > 0xff) {
                throw new IllegalArgumentException("illegal character in header name: U+" + Integer.toHexString(c));
            }
        }
    }

    /** As {@link Headers} checks a value: a CR only as part of CRLF and whitespace, no other LF, nothing beyond Latin-1. */
    private static void checkValue(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '\r') {
                if (i + 2 >= n || value.charAt(i + 1) != '\n' || (value.charAt(i + 2) != ' ' && value.charAt(i + 2) != '\t')) {
                    throw new IllegalArgumentException("illegal CR in header value");
                }
                i += 2;
            } else if (c == '\n' || c > 0xff) {
                throw new IllegalArgumentException("illegal character in header value: U+" + Integer.toHexString(c));
            }
        }
    }
}
