package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Headers} whose fields live in a map of the subclass's own rather than in
 * {@link Headers}' (which copies every key it normalizes): the reading half of
 * {@link Headers}' contract over {@link #fields()}, whose keys are spelled as {@link Headers}
 * spells them; lookups normalize the key with {@link HeaderNames#normalize}. Subclasses say
 * how the fields change, and which threads may use them.
 */
abstract sealed class HeaderFields extends Headers permits RequestHeaders, ResponseHeaders {

    /** The fields, keyed by normalized name. */
    abstract Map<String, List<String>> fields();

    @Override
    public int size() {
        return fields().size();
    }

    @Override
    public boolean isEmpty() {
        return fields().isEmpty();
    }

    @Override
    public boolean containsKey(Object key) {
        Objects.requireNonNull(key);
        return key instanceof String k && fields().containsKey(HeaderNames.normalize(k));
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value);
        return fields().containsValue(value);
    }

    @Override
    public List<String> get(Object key) {
        return fields().get(HeaderNames.normalize((String) key));
    }

    @Override
    public String getFirst(String key) {
        List<String> values = get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Set<String> keySet() {
        return fields().keySet();
    }

    @Override
    public Collection<List<String>> values() {
        return fields().values();
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
        return fields().entrySet();
    }

    @Override
    public boolean equals(Object o) {
        return fields().equals(o);
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    @Override
    public String toString() {
        return "Headers { " + fields() + " }";
    }
}
