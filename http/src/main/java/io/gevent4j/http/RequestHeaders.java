package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A request's header fields as handlers see them: a {@link Headers} that refuses every
 * change with {@link UnsupportedOperationException}, views and value lists included, built
 * once from the parsed fields without the copies {@link Headers#of(Map)} makes (the largest
 * cost per request in a profile of a hello-world exchange). Immutable; any thread may read it.
 */
final class RequestHeaders extends Headers {

    private final Map<String, List<String>> view;
    private final boolean sealed;

    /** @param fields keys as {@link Headers} spells them; taken over, not copied: nothing may change them later */
    RequestHeaders(Map<String, List<String>> fields) {
        fields.replaceAll((name, values) -> Collections.unmodifiableList(values));
        fields.forEach(super::put);
        this.view = Collections.unmodifiableMap(fields);
        this.sealed = true;
    }

    @Override
    public List<String> put(String key, List<String> value) {
        if (sealed) {
            throw refused();
        }
        return super.put(key, value);
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
    public Set<String> keySet() {
        return view.keySet();
    }

    @Override
    public Collection<List<String>> values() {
        return view.values();
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
        return view.entrySet();
    }

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("request headers are immutable");
    }
}
