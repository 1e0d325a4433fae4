package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The unmodified PostgreSQL JDBC driver inside greenlets: its blocking socket reads park
 * only the greenlet, so 50 {@code pg_sleep(0.5)} on one hub overlap; a kill or Timeout
 * closes the connection it interrupts and no other.
 */
class PostgresJdbcCooperativeTest {

    @BeforeAll
    static void patchSocketIfAsked() {
        Servers.patchSocketIfAsked();
    }

    @BeforeEach
    void serverIsThere() {
        Servers.assumePostgres();
    }

    @Test
    void fiftyPgSleepsOnOneHubOverlap() {
        FreshHub.run(() -> {
            int n = 50;
            AtomicInteger ticks = new AtomicInteger();
            Greenlet<Void> ticker = Gevent.spawn(() -> {
                for (int i = 0; i < 1000; i++) {
                    ticks.incrementAndGet();
                    Gevent.sleep(0.01);
                }
            });
            long start = System.nanoTime();
            List<Greenlet<Integer>> greenlets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                greenlets.add(Gevent.spawn(() -> {
                    try (Connection c = DriverManager.getConnection(Servers.PG_URL, Servers.PG_USER, Servers.PG_PASSWORD);
                         Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT pg_sleep(0.5), " + id)) {
                        assertTrue(rs.next());
                        return rs.getInt(2);
                    }
                }));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i, greenlets.get(i).get());
            }
            double took = FreshHub.secondsSince(start);
            int ticked = ticks.get();
            ticker.kill();
            assertTrue(took < 10.0, n + " x pg_sleep(0.5) took " + took + " s (serially: " + n * 0.5 + " s)");
            assertTrue(ticked >= 10, "other greenlets ran while the queries waited: " + ticked + " ticks");
            System.out.printf("PostgreSQL: %d x pg_sleep(0.5) on one hub in %.2f s%n", n, took);
        });
    }

    @Test
    void aKillInterruptsTheDriverCallClosesTheConnectionAndEndsTheGreenletKilled() {
        FreshHub.run(() -> {
            List<Throwable> reported = new ArrayList<>();
            Hub.current().setErrorHandler((ctx, t) -> reported.add(t));
            try (Connection c = DriverManager.getConnection(Servers.PG_URL, Servers.PG_USER, Servers.PG_PASSWORD)) {
                Greenlet<Object> g = Gevent.spawn(() -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT pg_sleep(5)");
                    }
                    return "finished";
                });
                long start = System.nanoTime();
                assertFalse(g.join(Duration.ofMillis(200)));
                g.kill();
                assertTrue(g.isDead());
                assertTrue(FreshHub.secondsSince(start) < 4.0, "the kill ended the 5 s query early");
                assertTrue(g.killed(), "the driver's SQLException does not hide the kill: " + g);
                assertEquals(List.of(), reported, "a kill is a normal end, not an error");
                // JDK semantics: the kill is an interrupt, which closes the socket under the driver
                assertFalse(c.isValid(2), "the connection is gone with its socket");
            }
        });
    }

    @Test
    void aCaughtTimeoutOnOneConnectionLeavesTheGreenletsNextConnectionHealthy() {
        FreshHub.run(() -> {
            try (Connection c1 = DriverManager.getConnection(Servers.PG_URL, Servers.PG_USER, Servers.PG_PASSWORD);
                 Connection c2 = DriverManager.getConnection(Servers.PG_URL, Servers.PG_USER, Servers.PG_PASSWORD)) {
                Greenlet<List<String>> g = Gevent.spawn(() -> {
                    List<String> log = new ArrayList<>();
                    try (Timeout t = Timeout.start(Duration.ofMillis(100)); Statement st = c1.createStatement()) {
                        st.execute("SELECT pg_sleep(3)");
                        log.add("c1 finished");
                    } catch (SQLException e) {
                        log.add("c1 interrupted");
                    }
                    try (Statement st = c2.createStatement()) {
                        st.execute("SELECT pg_sleep(0.01)");
                        log.add("c2 answered");
                    }
                    return log;
                });
                assertEquals(List.of("c1 interrupted", "c2 answered"), g.get());
                assertFalse(c1.isValid(2), "the interrupted connection is closed (JDK semantics)");
                assertTrue(c2.isValid(2), "the next connection is healthy");
            }
        });
    }
}
