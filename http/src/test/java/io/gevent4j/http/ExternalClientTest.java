package io.gevent4j.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * curl and wrk (Debian packages; .ci/services installs them) against the server: curl's
 * HTTP/1.1 features, and wrk's keep-alive load served without an error. The tests skip,
 * saying so, where the tools are missing.
 */
class ExternalClientTest {

    @Test
    void curlGetsPostsChunksAndContinues() throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed (apt-get install curl)");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> ExchangeTest.send(ex, 200,
                ex.getRequestMethod() + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            assertEquals("GET ", run("curl", "-sS", base));
            assertEquals("POST a=1", run("curl", "-sS", "-d", "a=1", base));
            assertEquals("PUT chunked body", run("curl", "-sS", "-X", "PUT", "-H", "Transfer-Encoding: chunked",
                    "--data-binary", "chunked body", base));
            assertEquals("POST " + "x".repeat(2000), run("curl", "-sS", "-H", "Expect: 100-continue",
                    "--data-binary", "x".repeat(2000), base));
            assertTrue(run("curl", "-sS", "-I", base).startsWith("HTTP/1.1 200 OK"));
            assertEquals("GET GET ", run("curl", "-sS", base, base), "two requests on one kept-alive connection");
            assertEquals("GET ", run("curl", "-sS", "--http1.0", base));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void wrkIsServedWithoutErrors() throws Exception {
        assumeTrue(onPath("wrk"), "wrk is not installed (apt-get install wrk)");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> ExchangeTest.send(ex, 200, "hello"));
        server.start();
        try {
            String out = run("wrk", "-t1", "-c50", "-d2s", "--timeout", "30s",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/");
            Matcher requests = Pattern.compile("(\\d+) requests in").matcher(out);
            assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 0, out);
            assertFalse(out.contains("Socket errors"), out);
            assertFalse(out.contains("Non-2xx"), out);
        } finally {
            server.stop(0);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + List.of(command));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

}
