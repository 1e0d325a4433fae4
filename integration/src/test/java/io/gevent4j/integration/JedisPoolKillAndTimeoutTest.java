package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.Timeout;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A {@link JedisPool}, unmodified, as a user has it: a {@code Timeout} around a blocking
 * command, catch and retry, and kills from a supervisor. The interrupted connection is
 * destroyed by the pool (JDK semantics: the interrupt closed its socket) and no other; the
 * greenlet's next commands work; a killed worker that catches {@link JedisException} ends
 * killed while the hub's other greenlets keep running commands.
 */
class JedisPoolKillAndTimeoutTest {

    private static final int POOL_SIZE = 4;

    private JedisPool pool;
    private String key;

    @BeforeAll
    static void patchSocketIfAsked() {
        Servers.patchSocketIfAsked();
    }

    @BeforeEach
    void openPool() {
        Servers.assumeListening("redis-server", Servers.REDIS_PORT);
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(POOL_SIZE);
        config.setMaxWait(Duration.ofSeconds(10));
        pool = new JedisPool(config, "127.0.0.1", Servers.REDIS_PORT, 10_000);
        try (Jedis first = pool.getResource()) {
            first.ping(); // an idle connection waits, so no Timeout below interrupts a connect
        }
        key = "gevent4j-it-" + UUID.randomUUID();
    }

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aCaughtTimeoutDestroysOnlyTheInterruptedConnection() {
        FreshHub.run(() -> {
            Greenlet<List<String>> g = Gevent.spawn(() -> {
                List<String> log = new ArrayList<>();
                try (Timeout t = Timeout.start(Duration.ofMillis(100)); Jedis jedis = pool.getResource()) {
                    jedis.blpop(5, key);
                    log.add("BLPOP returned");
                } catch (JedisException e) {
                    log.add("BLPOP interrupted");
                }
                log.add(Thread.currentThread().isInterrupted() ? "status left set" : "status clear");
                for (int i = 0; i < 20; i++) {
                    try (Jedis jedis = pool.getResource()) {
                        assertEquals(i, jedis.incr(key) - 1);
                    }
                }
                log.add("20 commands");
                return log;
            });
            assertEquals(List.of("BLPOP interrupted", "status clear", "20 commands"), g.get());
        });
        assertEquals(1, pool.getDestroyedCount(), "only the interrupted connection was destroyed");
        try (Jedis jedis = pool.getResource()) {
            jedis.del(key);
        }
    }

    @Test
    void aKilledWorkerThatRetriesOnJedisExceptionEndsKilledAndTheHubKeepsRunningCommands() {
        FreshHub.run(() -> {
            AtomicInteger attempts = new AtomicInteger();
            AtomicInteger others = new AtomicInteger();
            boolean[] stop = {false};
            Greenlet<Void> worker = Gevent.spawn(() -> {
                while (true) {
                    try (Timeout t = Timeout.start(Duration.ofSeconds(5)); Jedis jedis = pool.getResource()) {
                        attempts.incrementAndGet();
                        jedis.blpop(10, key);
                    } catch (JedisException | Timeout e) {
                        // gevent's usual pattern: the attempt failed, try again
                    }
                }
            });
            Greenlet<Integer> bystander = Gevent.spawn(() -> {
                int n = 0;
                while (n < 100_000 && !stop[0]) {
                    try (Jedis jedis = pool.getResource()) {
                        jedis.blpop(0.01, key + "-idle");
                    }
                    n = others.incrementAndGet();
                }
                return n;
            });
            Gevent.sleep(0.3);
            worker.kill(new GreenletExit(), true, Duration.ofSeconds(20));
            assertTrue(worker.killed(), "a kill Jedis turned into JedisException still ends the worker: " + worker);
            assertEquals(1, attempts.get(), "no attempt after the kill");
            Progress.awaitAtLeast(others::get, others.get() + 5, "the hub kept running commands after the kill");
            stop[0] = true;
            bystander.join();
            assertTrue(bystander.successful(), "the bystander's commands all succeeded: " + bystander);
        });
        assertEquals(1, pool.getDestroyedCount(), "the kill broke only the worker's connection");
    }
}
