package io.gevent4j.examples;

import io.gevent4j.server.StreamServer;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The echo server on a UNIX-domain socket ({@code ./gevent4j run unix-echo [PATH]},
 * {@code /tmp/gevent4j-echo.sock} by default; try {@code nc -U PATH}). A file left at PATH by
 * an earlier run is replaced; the file is removed when the JVM exits. Runs until interrupted.
 */
public final class UnixEchoServer {

    private UnixEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args.length > 0 ? args[0] : "/tmp/gevent4j-echo.sock").toAbsolutePath();
        Files.deleteIfExists(path);
        StreamServer server = new StreamServer(UnixDomainSocketAddress.of(path), EchoServer::handle).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                System.err.println("could not remove " + path + ": " + e);
            }
        }));
        Examples.printListening(server.address());
        server.serveForever();
    }
}
