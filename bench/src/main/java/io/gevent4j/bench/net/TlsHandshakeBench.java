package io.gevent4j.bench.net;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.socket.TlsSocket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/**
 * A new TLS connection per operation on 127.0.0.1: TCP connect, full TLS handshake
 * (TLS 1.3, ECDSA P-256 self-signed certificate made with keytool at setup, hostname
 * verification on), one byte each way so both sides finish, close; {@code TCP_NODELAY} on
 * both sides (without it the first application write waits for a delayed ACK, ~40 ms). Handshakes per second =
 * 1e6 / (score in µs). Both sides run in the same process; session resumption is the JDK
 * default on both sides.
 *
 * <ul>
 *   <li>{@code handshake}: gevent4j {@link TlsSocket}s, the client a driver greenlet that
 *       makes {@link #CONNECTIONS} connections one after the other, server greenlets, all on
 *       one hub (one OS thread does both sides' crypto). The main greenlet (the JMH thread)
 *       only joins the driver: in it, each of a handshake's waits would be a carrier
 *       hand-off.</li>
 *   <li>{@code handshake_jdk}: {@link SSLSocket} client on the benchmark thread, the same
 *       {@link #CONNECTIONS} connections one after the other,
 *       {@link SSLServerSocket} served by JDK virtual threads of the default scheduler
 *       (whose carriers may use the other core).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class TlsHandshakeBench {

    /** Connections (handshakes) per invocation. */
    public static final int CONNECTIONS = 10;
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** The server's and the client's contexts, from a keystore keytool makes. */
    @State(Scope.Benchmark)
    public static class Contexts {
        SSLContext server;
        SSLContext client;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Path dir = Files.createTempDirectory("gevent4j-bench-tls");
            Path file = dir.resolve("server.p12");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + new String(out));
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, PASSWORD);
            }
            Files.delete(file);
            Files.delete(dir);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", ks.getCertificate("server"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
        }
    }

    /** gevent4j: a listening socket and its accepting greenlet on the benchmark thread's hub. */
    @State(Scope.Thread)
    public static class Gevent4j {
        Hub hub;
        ListeningSocket server;
        Greenlet<Void> acceptor;

        @Setup(Level.Trial)
        public void setUp(Contexts ctx) throws IOException {
            hub = Hub.current();
            server = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor = Gevent.spawn(() -> {
                while (true) {
                    StreamSocket s = server.accept();
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Gevent.spawn(() -> {
                        try (TlsSocket tls = TlsSocket.server(s, ctx.server)) {
                            ByteBuffer one = ByteBuffer.allocate(1);
                            tls.read(one);
                            tls.sendAll(one.flip());
                        }
                        return null;
                    });
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            acceptor.kill();
            server.close();
            hub.close();
        }
    }

    /** JDK: an SSLServerSocket served by virtual threads of the default scheduler. */
    @State(Scope.Thread)
    public static class Jdk {
        SSLServerSocket server;
        Thread acceptor;

        @Setup(Level.Trial)
        public void setUp(Contexts ctx) throws IOException {
            server = (SSLServerSocket) ctx.server.getServerSocketFactory()
                    .createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        var s = server.accept();
                        s.setTcpNoDelay(true);
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                int b = s.getInputStream().read();
                                s.getOutputStream().write(b);
                            } catch (IOException e) {
                                // a failed connection fails the client side too
                            }
                        });
                    }
                } catch (IOException e) {
                    // closed at tear-down
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            server.close();
            acceptor.join();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CONNECTIONS)
    public int handshake(Gevent4j st, Contexts ctx) {
        return Gevent.spawn(() -> {
            int sum = 0;
            for (int i = 0; i < CONNECTIONS; i++) {
                sum += handshakeOnce(st, ctx);
            }
            return sum;
        }).get();
    }

    private static int handshakeOnce(Gevent4j st, Contexts ctx) throws IOException {
        StreamSocket tcp = StreamSocket.open(st.server.getLocalAddress());
        tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
        try (TlsSocket tls = TlsSocket.client(tcp, ctx.client, "localhost")) {
            ByteBuffer one = ByteBuffer.allocate(1);
            tls.sendAll(one.put((byte) 7).flip());
            tls.read(one.clear());
            return one.get(0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(CONNECTIONS)
    public int handshake_jdk(Jdk st, Contexts ctx) throws IOException {
        int sum = 0;
        for (int i = 0; i < CONNECTIONS; i++) {
            sum += handshakeOnceJdk(st, ctx);
        }
        return sum;
    }

    private static int handshakeOnceJdk(Jdk st, Contexts ctx) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.client.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), st.server.getLocalPort())) {
            s.setTcpNoDelay(true);
            SSLParameters params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.getOutputStream().write(7);
            return s.getInputStream().read();
        }
    }
}
