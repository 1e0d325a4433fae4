package io.gevent4j.integration;

import io.gevent4j.monkey.Monkey;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where .ci/services starts the real servers, the skip-if-absent check, and whether this
 * JVM runs the clients on the patched {@code java.net.Socket} ({@code -Dgevent4j.it.patchSocket=true},
 * set by integration/pom.xml's second test run).
 */
final class Servers {

    static final String PG_URL = System.getProperty("gevent4j.it.pgUrl", "jdbc:postgresql://127.0.0.1:5432/gevent4j");
    static final String PG_USER = System.getProperty("gevent4j.it.pgUser", "gevent4j");
    static final String PG_PASSWORD = System.getProperty("gevent4j.it.pgPassword", "gevent4j");
    static final int REDIS_PORT = Integer.getInteger("gevent4j.it.redisPort", 6379);

    /** Whether the tests of this JVM run on {@link Monkey#patchSocket()}'s sockets. */
    private static final boolean SOCKET_PATCHED = Boolean.getBoolean("gevent4j.it.patchSocket");

    private Servers() {
    }

    /** Patches {@code java.net.Socket} if this JVM is the patched run; call before the first socket. */
    static void patchSocketIfAsked() {
        if (SOCKET_PATCHED) {
            Monkey.patchSocket();
            try {
                Socket.setSocketImplFactory(null); // refused once a factory is installed
                throw new AssertionError("Monkey.patchSocket() installed no socket factory");
            } catch (IOException expected) {
                // the patched implementation serves every new java.net.Socket
            }
        }
    }

    /** Skips the calling test unless something accepts TCP connections on 127.0.0.1:{@code port}. */
    static void assumeListening(String what, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException e) {
            Assumptions.abort(what + " is not reachable on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); start it with `sudo .ci/services` to run this integration test");
        }
    }

    /** Skips the calling test unless PostgreSQL listens on 127.0.0.1:5432 and accepts the test user. */
    static void assumePostgres() {
        assumeListening("PostgreSQL", 5432);
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            if (!c.isValid(5)) {
                Assumptions.abort("PostgreSQL on 127.0.0.1:5432 does not answer a validity check");
            }
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL on 127.0.0.1:5432 refused user " + PG_USER + " (" + e.getMessage()
                    + "); run `sudo .ci/services` to create it");
        }
    }
}
