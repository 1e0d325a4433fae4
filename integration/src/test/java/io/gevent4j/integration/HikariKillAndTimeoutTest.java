package io.gevent4j.integration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.GreenletExit;
import io.gevent4j.Timeout;
import io.gevent4j.event.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HikariCP over the PostgreSQL driver, unmodified, as a user has it: a {@code Timeout}
 * around each query, catch and retry, and kills from a supervisor. A caught Timeout leaves
 * the greenlet's next queries and the pool's other connections healthy; a killed worker
 * that catches {@link SQLException} ends killed at its next {@code Timeout.start}, while the
 * hub's other greenlets keep querying; the pool loses only the connection the kill
 * interrupted.
 */
class HikariKillAndTimeoutTest {

    private static final int POOL_SIZE = 4;

    private final AtomicInteger physicalConnections = new AtomicInteger();
    private HikariDataSource pool;

    @BeforeAll
    static void patchSocketIfAsked() {
        Servers.patchSocketIfAsked();
    }

    @BeforeEach
    void openPool() throws InterruptedException {
        Servers.assumePostgres();
        HikariConfig config = new HikariConfig();
        config.setDataSource(counting(physicalConnections));
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(10_000);
        pool = new HikariDataSource(config);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (pool.getHikariPoolMXBean().getTotalConnections() < POOL_SIZE) {
            assertTrue(System.nanoTime() < deadline, "HikariCP did not open its " + POOL_SIZE + " connections");
            Thread.sleep(10);
        }
    }

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    /** A PostgreSQL data source that counts the physical connections Hikari opens. */
    private static DataSource counting(AtomicInteger opened) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(Servers.PG_URL);
        pg.setUser(Servers.PG_USER);
        pg.setPassword(Servers.PG_PASSWORD);
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        opened.incrementAndGet();
                    }
                    try {
                        return method.invoke(pg, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private int query(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    @Test
    void aCaughtTimeoutLeavesTheGreenletsNextQueriesAndThePoolHealthy() {
        FreshHub.run(() -> {
            Greenlet<List<String>> g = Gevent.spawn(() -> {
                List<String> log = new ArrayList<>();
                try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
                    query("SELECT 1 FROM pg_sleep(2)");
                    log.add("the slow query finished");
                } catch (SQLException e) {
                    log.add("slow query interrupted");
                }
                log.add(Thread.currentThread().isInterrupted() ? "status left set" : "status clear");
                for (int i = 0; i < 20; i++) {
                    assertEquals(i, query("SELECT " + i));
                }
                log.add("20 queries");
                return log;
            });
            assertEquals(List.of("slow query interrupted", "status clear", "20 queries"), g.get());
        });
        assertTrue(physicalConnections.get() <= POOL_SIZE + 1,
                "only the interrupted connection was replaced: " + physicalConnections.get() + " opened");
    }

    @Test
    void aTimeoutWhileWaitingForAConnectionIsClearedThoughHikariReassertsTheInterrupt() {
        FreshHub.run(() -> {
            Event release = new Event();
            Event allHeld = new Event();
            AtomicInteger held = new AtomicInteger();
            List<Greenlet<Integer>> holders = new ArrayList<>();
            for (int i = 0; i < POOL_SIZE; i++) {
                holders.add(Gevent.spawn(() -> {
                    try (Connection c = pool.getConnection()) {
                        if (held.incrementAndGet() == POOL_SIZE) {
                            allHeld.set();
                        }
                        release.await();
                        return c.isValid(5) ? 1 : 0;
                    }
                }));
            }
            Greenlet<List<String>> waiter = Gevent.spawn(() -> {
                List<String> log = new ArrayList<>();
                allHeld.await();
                try (Timeout t = Timeout.start(Duration.ofMillis(100)); Connection c = pool.getConnection()) {
                    log.add("got a connection from an exhausted pool");
                } catch (SQLException e) {
                    log.add(e.getMessage().contains("Interrupted") ? "interrupted in getConnection" : e.getMessage());
                }
                log.add(Thread.currentThread().isInterrupted() ? "status left set" : "status clear");
                release.set();
                log.add("query " + query("SELECT 7"));
                return log;
            });
            assertEquals(List.of("interrupted in getConnection", "status clear", "query 7"), waiter.get());
            for (Greenlet<Integer> h : holders) {
                assertEquals(1, h.get(), "the holders' connections stayed valid");
            }
        });
        assertEquals(POOL_SIZE, physicalConnections.get(), "no connection was broken");
    }

    @Test
    void aKilledWorkerThatRetriesOnSqlExceptionEndsKilledAndTheHubKeepsQuerying() {
        FreshHub.run(() -> {
            AtomicInteger attempts = new AtomicInteger();
            AtomicInteger others = new AtomicInteger();
            boolean[] stop = {false};
            Greenlet<Void> worker = Gevent.spawn(() -> {
                while (true) {
                    try (Timeout t = Timeout.start(Duration.ofSeconds(5))) {
                        attempts.incrementAndGet();
                        query("SELECT 1 FROM pg_sleep(10)");
                    } catch (SQLException | Timeout e) {
                        // gevent's usual pattern: the attempt failed, try again
                    }
                }
            });
            List<Greenlet<Integer>> bystanders = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                bystanders.add(Gevent.spawn(() -> {
                    int n = 0;
                    while (n < 100_000 && !stop[0]) {
                        n += query("SELECT 1 FROM pg_sleep(0.01)");
                        others.incrementAndGet();
                    }
                    return n;
                }));
            }
            Gevent.sleep(0.3);
            worker.kill(new GreenletExit(), true, Duration.ofSeconds(20));
            assertTrue(worker.killed(), "a kill the driver turned into SQLException still ends the worker: " + worker);
            assertEquals(1, attempts.get(), "no attempt after the kill");
            Progress.awaitAtLeast(others::get, others.get() + 5, "the hub kept querying after the kill");
            stop[0] = true;
            Gevent.joinAll(bystanders);
            for (Greenlet<Integer> b : bystanders) {
                assertTrue(b.successful(), "the bystanders' queries all succeeded: " + b);
            }
        });
        assertTrue(physicalConnections.get() <= POOL_SIZE + 1,
                "the kill broke only the worker's connection: " + physicalConnections.get() + " opened");
    }
}
