package io.gevent4j.resolver;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class DnsCacheTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aHugeTtlIsCappedAtAnHour() {
        AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 10 * SECOND); // the nanoTime scale may wrap
        DnsCache cache = new DnsCache(10, clock::get);
        cache.put("1 far.test", List.of(), Integer.MAX_VALUE);
        clock.addAndGet(3599 * SECOND);
        assertNotNull(cache.get("1 far.test"));
        clock.addAndGet(2 * SECOND);
        assertNull(cache.get("1 far.test"), "dropped after the one-hour cap, not after 68 years");
    }

    @Test
    void aFullCacheStaysWithinItsBound() {
        AtomicLong clock = new AtomicLong();
        DnsCache cache = new DnsCache(3, clock::get);
        for (int i = 0; i < 10; i++) {
            cache.put("1 n" + i + ".test", List.of(), 60);
            assertTrue(cache.size() <= 3, "size " + cache.size());
        }
        assertNotNull(cache.get("1 n9.test"), "the newest answer is kept");
    }
}
