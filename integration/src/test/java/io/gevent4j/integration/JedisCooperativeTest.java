package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The unmodified Jedis client inside greenlets: {@code BLPOP} blocks in a socket read,
 * which parks only its greenlet.
 */
class JedisCooperativeTest {

    @BeforeAll
    static void patchSocketIfAsked() {
        Servers.patchSocketIfAsked();
    }

    @BeforeEach
    void serverIsThere() {
        Servers.assumeListening("redis-server", Servers.REDIS_PORT);
    }

    @Test
    void fiftyBlpopTimeoutsOnOneHubOverlap() {
        FreshHub.run(() -> {
            int n = 50;
            String prefix = "gevent4j-it-" + UUID.randomUUID() + "-";
            long start = System.nanoTime();
            List<Greenlet<List<String>>> greenlets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = prefix + i;
                greenlets.add(Gevent.spawn(() -> {
                    try (Jedis jedis = new Jedis("127.0.0.1", Servers.REDIS_PORT)) {
                        return jedis.blpop(1, key); // nothing is pushed: returns null after 1 s
                    }
                }));
            }
            for (Greenlet<List<String>> g : greenlets) {
                assertNull(g.get());
            }
            double took = FreshHub.secondsSince(start);
            assertTrue(took < 15.0, n + " x BLPOP(timeout 1 s) took " + took + " s (serially: " + n + " s)");
            System.out.printf("Redis: %d x BLPOP 1 s on one hub in %.2f s%n", n, took);
        });
    }

    @Test
    void aPushFromAnotherGreenletOfTheSameHubWakesTheBlpop() {
        FreshHub.run(() -> {
            String key = "gevent4j-it-" + UUID.randomUUID();
            Greenlet<List<String>> popper = Gevent.spawn(() -> {
                try (Jedis jedis = new Jedis("127.0.0.1", Servers.REDIS_PORT)) {
                    return jedis.blpop(20, key);
                }
            });
            Greenlet<Long> pusher = Gevent.spawn(() -> {
                Gevent.sleep(0.2); // the popper blocks first; if it held the hub this would never run
                try (Jedis jedis = new Jedis("127.0.0.1", Servers.REDIS_PORT)) {
                    return jedis.rpush(key, "hello");
                }
            });
            long start = System.nanoTime();
            assertEquals(List.of(key, "hello"), popper.get());
            assertEquals(1L, pusher.get());
            assertTrue(FreshHub.secondsSince(start) < 10.0);
        });
    }
}
