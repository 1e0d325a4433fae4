package io.gevent4j.backdoor;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.pool.Group;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A live Java shell into the running process over TCP (gevent's {@code gevent.backdoor}):
 * each connection gets a session in a greenlet of the hub that started the server, with a
 * {@link jdk.jshell.JShell} that evaluates Java statements and expressions against the
 * process's objects; the objects the program passes as named locals are shell variables.
 * Connect with any line-based client ({@code nc 127.0.0.1 PORT}); {@code /exit} ends a session.
 *
 * <pre>{@code
 * try (BackdoorServer backdoor = BackdoorServer.builder()
 *         .port(5001).local("server", server).password(secret).start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Security.</b> Whoever gets a session runs any code with the process's rights: read
 * its memory (keys, passwords, data), change it, run programs as its user. So:
 * <ul>
 * <li>The server binds to 127.0.0.1 unless told otherwise, and refuses an address that is
 *     not a loopback address ({@link IllegalArgumentException}) unless
 *     {@link Builder#allowNonLoopback()} says so. Even on loopback, every local user of the
 *     machine can connect: set a {@linkplain Builder#password password} on a shared machine.</li>
 * <li>The password travels in clear text and is compared in constant time; a wrong one ends
 *     the connection after a second, which slows guessing, and so does a password line
 *     longer than 1024 characters (nothing more is buffered before a client logged in), and
 *     a client that has not sent the password within the
 *     {@linkplain Builder#passwordTimeout password timeout} (30 s by default) is disconnected,
 *     so silent clients cannot hold sessions open. There is no TLS: to reach a backdoor from elsewhere, tunnel to the
 *     loopback port (SSH) rather than allowing a non-loopback bind.</li>
 * <li>Leave it off in production unless you need it; {@link #stop()} ends every session.</li>
 * </ul>
 *
 * <p><b>Evaluation.</b> JShell compiles on the calling thread, which takes up to a second,
 * so compiling runs on the hub's {@linkplain io.gevent4j.threadpool.ThreadPool#of threadpool} and the session
 * waits cooperatively; the snippet's code itself runs in the session's greenlet, so it may
 * use the hub's objects and block cooperatively (a snippet that loops blocks the hub, as any
 * greenlet would). What a snippet prints with {@code System.out} goes to the process's
 * output; the session shows each expression's and variable's value.
 *
 * <p><b>Threads.</b> Build and {@link Builder#start()} on the hub's thread; {@link #stop()}
 * there too. {@link #address()} may be read from any thread.
 */
public final class BackdoorServer implements AutoCloseable {

    private final ListeningSocket listener;
    private final InetSocketAddress address;
    private final Map<String, Object> locals;
    private final byte[] password;
    private final Duration passwordTimeout;
    private final Group sessions = new Group();
    private final Greenlet<Void> acceptor;

    private BackdoorServer(ListeningSocket listener, Map<String, Object> locals, byte[] password,
                           Duration passwordTimeout) throws IOException {
        this.listener = listener;
        this.address = (InetSocketAddress) listener.getLocalAddress();
        this.locals = locals;
        this.password = password;
        this.passwordTimeout = passwordTimeout;
        this.acceptor = Gevent.spawn(this::acceptLoop).setName("backdoor-acceptor " + address);
    }

    /** A builder for a server on 127.0.0.1, an ephemeral port, no locals and no password. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address the server listens on (its port, when an ephemeral one was asked for). Any thread. */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Stops accepting, kills every session's greenlet and waits until they ended. Their
     * shells are closed on the threadpool once an evaluation in flight has finished.
     * Idempotent; hub-thread only.
     */
    public void stop() {
        try {
            listener.close();
        } catch (IOException e) {
            Hub.current().handleError(this, e);
        }
        acceptor.kill();
        sessions.kill();
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "BackdoorServer[" + address + ", " + sessions.size() + " session(s)]";
    }

    private void acceptLoop() {
        while (true) {
            StreamSocket client;
            try {
                client = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Hub.current().handleError(this, e);
                return;
            }
            BackdoorSession session = new BackdoorSession(client, locals, password, passwordTimeout);
            sessions.spawn(session::run);
        }
    }

    /** Where and how a {@link BackdoorServer} listens, and what its sessions see. Hub-thread only. */
    public static final class Builder {
        /** How long a client may take to send the password by default. */
        public static final Duration DEFAULT_PASSWORD_TIMEOUT = Duration.ofSeconds(30);

        private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private final Map<String, Object> locals = new LinkedHashMap<>();
        private byte[] password;
        private Duration passwordTimeout = DEFAULT_PASSWORD_TIMEOUT;
        private boolean allowNonLoopback;

        private Builder() {
        }

        /** Listens on 127.0.0.1 (the loopback address) at {@code port}; 0 picks a free one. */
        public Builder port(int port) {
            return bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }

        /**
         * Listens on {@code address}, which must be resolved and, unless
         * {@link #allowNonLoopback()} is set, a loopback address.
         */
        public Builder bind(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("the backdoor's address must be resolved: " + address);
            }
            this.bind = address;
            return this;
        }

        /**
         * Allows an address that is not a loopback address, which lets other machines run
         * code in this process: only behind a firewall, and with a password.
         */
        public Builder allowNonLoopback() {
            this.allowNonLoopback = true;
            return this;
        }

        /** Asks every connection for {@code password} first; a wrong one ends the connection. */
        public Builder password(String password) {
            Objects.requireNonNull(password, "password");
            if (password.isEmpty()) {
                throw new IllegalArgumentException("an empty password; leave it unset for none");
            }
            this.password = password.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * How long a client may take, from its connection, to send the password line
         * (default {@link #DEFAULT_PASSWORD_TIMEOUT}); past it the connection is closed, so a
         * silent client holds no session. Applies only with a {@linkplain #password password}.
         *
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder passwordTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the password timeout must be positive: " + timeout);
            }
            this.passwordTimeout = timeout;
            return this;
        }

        /**
         * Makes {@code value} a variable named {@code name} in every session's shell, typed as
         * its most specific public class.
         *
         * @throws IllegalArgumentException if {@code name} is not a Java identifier
         */
        public Builder local(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (!isIdentifier(name)) {
                throw new IllegalArgumentException("not a Java identifier: " + name);
            }
            locals.put(name, value);
            return this;
        }

        /** {@link #local} for each entry of {@code locals}. */
        public Builder locals(Map<String, ?> locals) {
            locals.forEach(this::local);
            return this;
        }

        /**
         * Binds and starts accepting in a greenlet of the current hub.
         *
         * @throws IllegalArgumentException if the address is not a loopback address and
         *         {@link #allowNonLoopback()} was not set
         * @throws IOException if the address cannot be bound
         */
        public BackdoorServer start() throws IOException {
            if (!bind.getAddress().isLoopbackAddress() && !allowNonLoopback) {
                throw new IllegalArgumentException("the backdoor refuses " + bind.getAddress()
                        + ": it is not a loopback address, and whoever connects runs code in this process;"
                        + " call allowNonLoopback() to allow it (and set a password)");
            }
            ListeningSocket listener = ListeningSocket.bind(bind);
            try {
                return new BackdoorServer(listener, Collections.unmodifiableMap(new LinkedHashMap<>(locals)),
                        password == null ? null : password.clone(), passwordTimeout);
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
        }

        private static boolean isIdentifier(String name) {
            if (name.isEmpty() || !Character.isJavaIdentifierStart(name.codePointAt(0))) {
                return false;
            }
            return name.codePoints().skip(1).allMatch(Character::isJavaIdentifierPart);
        }
    }
}
