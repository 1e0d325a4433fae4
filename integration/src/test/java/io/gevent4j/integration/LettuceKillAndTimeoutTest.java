package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Lettuce's synchronous API, unmodified: a command waits on a future its Netty threads
 * complete, so an interrupt cancels the wait ({@link RedisCommandInterruptedException},
 * with the interrupt re-asserted) and leaves the connection open. The client is warmed on
 * the hub's threadpool, as {@code docs/jdk-calls.md} advises, so its class initialisation
 * never runs on the hub.
 */
class LettuceKillAndTimeoutTest {

    private String key;

    @BeforeEach
    void serverIsThere() {
        Servers.assumeListening("redis-server", Servers.REDIS_PORT);
        key = "gevent4j-it-" + UUID.randomUUID();
    }

    /** Creates the client and runs its first command on the hub's threadpool, off the hub. */
    private static RedisClient warmedClient() {
        return ThreadPool.of(Hub.current()).apply(() -> {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", Servers.REDIS_PORT));
            try (StatefulRedisConnection<String, String> first = client.connect()) {
                first.sync().ping();
            }
            return client;
        });
    }

    @Test
    void aCaughtTimeoutCancelsTheCommandLeavesTheConnectionUsableAndClearsTheInterrupt() {
        FreshHub.run(() -> {
            RedisClient client = warmedClient();
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                Greenlet<List<String>> g = Gevent.spawn(() -> {
                    List<String> log = new ArrayList<>();
                    try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
                        redis.blpop(3, key);
                        log.add("BLPOP returned");
                    } catch (RedisCommandInterruptedException e) {
                        log.add("BLPOP interrupted");
                    }
                    log.add(Thread.currentThread().isInterrupted() ? "status left set" : "status clear");
                    log.add("INCR " + redis.incr(key)); // answered once the server ends the BLPOP
                    return log;
                });
                assertEquals(List.of("BLPOP interrupted", "status clear", "INCR 1"), g.get());
                assertTrue(connection.isOpen(), "the interrupt cancelled the wait, not the connection");
                redis.del(key);
            } finally {
                ThreadPool.of(Hub.current()).apply(() -> {
                    client.shutdown();
                    return null;
                });
            }
        });
    }

    @Test
    void aKilledWorkerThatRetriesOnRedisExceptionEndsKilled() {
        FreshHub.run(() -> {
            RedisClient client = warmedClient();
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                AtomicInteger attempts = new AtomicInteger();
                Greenlet<Void> worker = Gevent.spawn(() -> {
                    while (true) {
                        try (Timeout t = Timeout.start(Duration.ofSeconds(5))) {
                            attempts.incrementAndGet();
                            redis.blpop(10, key);
                        } catch (RedisException | Timeout e) {
                            // gevent's usual pattern: the attempt failed, try again
                        }
                    }
                });
                Gevent.sleep(0.2);
                worker.kill(new GreenletExit(), true, Duration.ofSeconds(20));
                assertTrue(worker.killed(), "a kill Lettuce turned into its exception still ends the worker: " + worker);
                assertEquals(1, attempts.get(), "no attempt after the kill");
            } finally {
                ThreadPool.of(Hub.current()).apply(() -> {
                    client.shutdown();
                    return null;
                });
            }
        });
    }
}
