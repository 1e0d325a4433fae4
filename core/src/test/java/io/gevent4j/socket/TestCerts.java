package io.gevent4j.socket;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates the TLS tests make with the JDK's keytool into a temporary
 * directory: one for {@code localhost} (and 127.0.0.1) that clients trust, one for
 * {@code wrong.example} that clients trust, one for {@code localhost} that they don't.
 */
public final class TestCerts {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCerts instance;

    public final SSLContext localhostServer;
    public final SSLContext wrongNameServer;
    public final SSLContext untrustedServer;
    public final SSLContext client;

    private TestCerts() throws Exception {
        Path dir = Files.createTempDirectory("gevent4j-tls");
        KeyStore good = generate(dir, "good", "localhost", "dns:localhost,ip:127.0.0.1");
        KeyStore wrong = generate(dir, "wrong", "wrong.example", "dns:wrong.example");
        KeyStore untrusted = generate(dir, "untrusted", "localhost", "dns:localhost,ip:127.0.0.1");
        localhostServer = serverContext(good);
        wrongNameServer = serverContext(wrong);
        untrustedServer = serverContext(untrusted);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("good", good.getCertificate("good"));
        trust.setCertificateEntry("wrong", wrong.getCertificate("wrong"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    public static synchronized TestCerts get() throws Exception {
        if (instance == null) {
            instance = new TestCerts();
        }
        return instance;
    }

    private static KeyStore generate(Path dir, String alias, String cn, String san) throws Exception {
        Path file = dir.resolve(alias + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(out));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static SSLContext serverContext(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
