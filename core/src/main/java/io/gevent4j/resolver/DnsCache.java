package io.gevent4j.resolver;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Answers of the native resolver kept for their TTL: positive answers (addresses, a PTR
 * name) for the smallest TTL of the records that made them, negative answers (the name
 * does not exist) for the SOA's negative TTL (RFC 2308). A TTL of zero is not cached,
 * and none is kept longer than {@link #MAX_TTL_SECONDS} (c-ares' default cap), so a
 * huge TTL cannot pin a stale answer. At most {@code maxEntries}: when full, expired
 * entries go, then everything.
 * Thread-safe.
 */
final class DnsCache {

    /** The longest any answer is kept, in seconds: one hour. */
    static final long MAX_TTL_SECONDS = 3600;

    /** A cached answer: {@code value} is null for "the name does not exist". */
    record Entry(Object value, long expires) {
    }

    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongSupplier clock;

    DnsCache(int maxEntries, LongSupplier nanoClock) {
        this.maxEntries = maxEntries;
        this.clock = nanoClock;
    }

    /** The live entry for {@code key}, or null. */
    Entry get(String key) {
        Entry e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expires - clock.getAsLong() <= 0) {
            map.remove(key, e);
            return null;
        }
        return e;
    }

    /** Keeps {@code value} (null: a negative answer) for {@code ttlSeconds}. */
    void put(String key, Object value, long ttlSeconds) {
        if (ttlSeconds <= 0 || maxEntries == 0) {
            return;
        }
        if (map.size() >= maxEntries) {
            long now = clock.getAsLong();
            map.values().removeIf(e -> e.expires - now <= 0);
            if (map.size() >= maxEntries) {
                map.clear();
            }
        }
        map.put(key, new Entry(value, clock.getAsLong() + Math.min(ttlSeconds, MAX_TTL_SECONDS) * 1_000_000_000L));
    }

    int size() {
        return map.size();
    }

    void clear() {
        map.clear();
    }
}
