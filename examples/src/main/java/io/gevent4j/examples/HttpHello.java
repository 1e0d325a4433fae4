package io.gevent4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hello world over HTTP ({@code ./gevent4j run http-hello [PORT]}, port 8080 by default),
 * written against the JDK's own {@code com.sun.net.httpserver} API only: the server is the
 * one {@link HttpServer#create} finds, gevent4j's when {@code gevent4j-http} is on the class
 * path, the JDK's built-in one otherwise. Runs until interrupted.
 */
public final class HttpHello {

    private static final byte[] HELLO = "Hello, World!\n".getBytes(StandardCharsets.UTF_8);

    private HttpHello() {
    }

    static void hello(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, HELLO.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(HELLO);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(Examples.loopback(args, 0, 8080), 0);
        server.createContext("/", HttpHello::hello);
        server.start();
        Examples.printListening(server.getAddress());
    }
}
