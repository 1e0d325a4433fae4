package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The unmodified PostgreSQL JDBC driver inside greenlets: its blocking socket reads park
 * only the greenlet, so 50 {@code pg_sleep(0.5)} on one hub overlap.
 */
class PostgresJdbcCooperativeTest {

    @BeforeAll
    static void patchSocketIfAsked() {
        Servers.patchSocketIfAsked();
    }

    @BeforeEach
    void serverIsThere() {
        Servers.assumeListening("PostgreSQL", 5432);
        try (Connection c = DriverManager.getConnection(Servers.PG_URL, Servers.PG_USER, Servers.PG_PASSWORD)) {
            assertTrue(c.isValid(5));
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL on 127.0.0.1:5432 refused user " + Servers.PG_USER + " (" + e.getMessage()
                    + "); run `sudo .ci/services` to create it");
        }
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
    void aKillInterruptsTheDriverCallWhichClosesTheConnection() {
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
                assertFalse(g.join(java.time.Duration.ofMillis(200)));
                g.kill();
                assertTrue(g.isDead());
                assertTrue(FreshHub.secondsSince(start) < 4.0, "the kill ended the 5 s query early");
                if (Servers.SOCKET_PATCHED) {
                    // gevent's semantics: GreenletExit is raised where the driver waits, the socket stays open
                    assertTrue(g.killed(), "killed where it waited: " + g.exception());
                    assertEquals(List.of(), reported, "a kill is a normal end");
                    return;
                }
                // JDK semantics: the kill is an interrupt, which closes the socket under the driver
                assertEquals(1, reported.size(), "the driver's error ends the greenlet: " + reported);
                Throwable cause = reported.get(0);
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                assertInstanceOf(java.net.SocketException.class, cause);
                assertEquals("Closed by interrupt", cause.getMessage());
                assertFalse(c.isValid(2), "the connection is gone with its socket");
            }
        });
    }
}
