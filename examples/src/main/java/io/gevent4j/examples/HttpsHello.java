package io.gevent4j.examples;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/**
 * Hello world over HTTPS ({@code ./gevent4j run https [PORT]}, port 8443 by default; try
 * {@code curl -k https://localhost:8443/}) with a self-signed certificate for
 * {@code localhost} and 127.0.0.1 that it makes at start with the JDK's {@code keytool},
 * through the JDK's {@code HttpsServer} API: gevent4j's server when {@code gevent4j-http} is
 * on the class path, the JDK's otherwise. Runs until interrupted.
 */
public final class HttpsHello {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private HttpsHello() {
    }

    /** A TLS context whose key manager presents a new self-signed certificate for localhost. */
    static SSLContext selfSigned() throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("gevent4j-https");
        Path file = dir.resolve("localhost.p12");
        try {
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "localhost",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12",
                    "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + new String(output));
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                keys.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    public static void main(String[] args) throws Exception {
        HttpsServer server = HttpsServer.create(Examples.loopback(args, 0, 8443), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        server.createContext("/", HttpHello::hello);
        server.start();
        Examples.printListening(server.getAddress());
    }
}
