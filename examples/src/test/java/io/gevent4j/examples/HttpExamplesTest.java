package io.gevent4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP examples, each started as {@code ./gevent4j run NAME 0} starts it and driven by the JDK's {@link HttpClient}. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpExamplesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(InetSocketAddress address) {
        return "http://127.0.0.1:" + address.getPort();
    }

    @Test
    void httpHello() throws Exception {
        try (ExampleProcess hello = new ExampleProcess("http-hello", "0"); HttpClient client = HttpClient.newHttpClient()) {
            String base = base(hello.listening());
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = get(client, base + "/any/path");
                assertEquals(200, r.statusCode());
                assertEquals("Hello, World!\n", r.body());
                assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
            }
        }
    }

    @Test
    void fileServer() throws Exception {
        Path dir = Files.createTempDirectory("gevent4j-files");
        try {
            Files.writeString(dir.resolve("notes.txt"), "some notes\n");
            Files.createDirectory(dir.resolve("sub dir"));
            Files.writeString(dir.resolve("sub dir").resolve("page.html"), "<p>hi</p>");
            try (ExampleProcess files = new ExampleProcess("file-server", "0", dir.toString());
                 HttpClient client = HttpClient.newHttpClient()) {
                InetSocketAddress address = files.listening();
                String base = base(address);
                assertEquals("serving " + dir.toAbsolutePath().normalize(), files.readLine());

                HttpResponse<String> notes = get(client, base + "/notes.txt");
                assertEquals(200, notes.statusCode());
                assertEquals("some notes\n", notes.body());
                assertEquals("text/plain; charset=utf-8", notes.headers().firstValue("Content-Type").orElseThrow());

                HttpResponse<String> listing = get(client, base + "/");
                assertEquals(200, listing.statusCode());
                assertTrue(listing.body().contains("<a href=\"/notes.txt\">notes.txt</a>"), listing.body());
                assertTrue(listing.body().contains("<a href=\"/sub%20dir/\">sub dir/</a>"), listing.body());

                HttpResponse<String> page = get(client, base + "/sub%20dir/page.html");
                assertEquals("<p>hi</p>", page.body());
                assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());

                assertEquals(404, get(client, base + "/missing.txt").statusCode());
                assertEquals(404, rawStatus(address, "GET /../../etc/passwd HTTP/1.1"), "nothing outside the directory");
                HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/notes.txt"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode());
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The status of a request line sent as is (an HTTP client would normalise the path). */
    private static int rawStatus(InetSocketAddress address, String requestLine) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(status.startsWith("HTTP/1.1 "), status);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void https() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new TrustAnything()}, null);
        try (ExampleProcess https = new ExampleProcess("https", "0");
             HttpClient client = HttpClient.newBuilder().sslContext(trustAll).build()) {
            InetSocketAddress address = https.listening();
            HttpResponse<String> r = get(client, "https://localhost:" + address.getPort() + "/");
            assertEquals(200, r.statusCode());
            assertEquals("Hello, World!\n", r.body());
            X509Certificate served = (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
            assertEquals("CN=localhost", served.getSubjectX500Principal().getName());
            assertEquals(served.getSubjectX500Principal(), served.getIssuerX500Principal(), "self-signed");
        }
    }

    @Test
    void longPollChat() throws Exception {
        try (ExampleProcess chat = new ExampleProcess("longpoll-chat", "0"); HttpClient client = HttpClient.newHttpClient()) {
            String base = base(chat.listening());
            HttpResponse<String> page = get(client, base + "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("fetch(\"/updates?cursor=\""), page.body());

            var waiting = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/updates?cursor=0")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertTrue(!waiting.isDone(), "the poll waits for a message");
            HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(base + "/new"))
                    .POST(HttpRequest.BodyPublishers.ofString("hello \"world\"")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("1\n", posted.body());
            assertEquals("{\"messages\": [{\"id\": 1, \"body\": \"hello \\\"world\\\"\"}]}\n", waiting.get().body());

            client.send(HttpRequest.newBuilder(URI.create(base + "/new")).POST(HttpRequest.BodyPublishers.ofString("second"))
                    .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"messages\": [{\"id\": 2, \"body\": \"second\"}]}\n",
                    get(client, base + "/updates?cursor=1").body(), "a poll behind the last message answers at once");
            assertEquals(400, get(client, base + "/updates?cursor=x").statusCode());
        }
    }

    /** Trusts any certificate, without checking names: the test looks at the certificate itself. */
    private static final class TrustAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
