package io.gevent4j.bench.http;

import com.sun.net.httpserver.HttpServer;
import io.gevent4j.hub.HubGroup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The HTTP hello world every server of {@link HttpHelloMeasure} and of the table
 * ({@code bench/table}) runs on the JDK API: plain JDK
 * {@code com.sun.net.httpserver} code, unmodified; the JVM's
 * {@code -Dcom.sun.net.httpserver.HttpServerProvider} picks whose server it gets.
 * Arguments: the port, then {@code virtual} to give the server a virtual-thread executor,
 * or {@code hubs} to give it a {@link HubGroup} of one hub per core (gevent4j's provider
 * then spreads the connections over them). Prints {@code listening PORT} once it serves.
 */
public final class HelloApp {

    private HelloApp() {
    }

    public static void main(String[] args) throws IOException {
        byte[] hello = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 1024);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, hello.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(hello);
            }
        });
        if (args.length > 1 && args[1].equals("virtual")) {
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        } else if (args.length > 1 && args[1].equals("hubs")) {
            server.setExecutor(HubGroup.start(Runtime.getRuntime().availableProcessors()));
        }
        server.start();
        System.out.println("listening " + server.getAddress().getPort());
    }
}
