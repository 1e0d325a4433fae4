package io.gevent4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Serves a directory over HTTP ({@code ./gevent4j run file-server [PORT] [DIR]}, port 8081
 * and the current directory by default) through the JDK's {@code com.sun.net.httpserver}
 * API: a file's bytes with a content type from its name, a directory as a page of links,
 * 404 for what is not there or lies outside the directory, 405 for methods other than GET
 * and HEAD. No Range requests. Runs until interrupted.
 *
 * <p>With {@code gevent4j-http} present it runs on gevent4j's server, where reading a file
 * holds the hub for as long as the disk takes (see docs/jdk-calls.md).
 */
public final class FileServer {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "txt", "text/plain; charset=utf-8", "css", "text/css",
            "js", "text/javascript", "json", "application/json", "png", "image/png", "jpg", "image/jpeg",
            "svg", "image/svg+xml", "java", "text/plain; charset=utf-8", "md", "text/plain; charset=utf-8");

    private final Path root;

    FileServer(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Path path = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!path.startsWith(root) || !Files.exists(path)) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not found\n".getBytes(StandardCharsets.UTF_8));
            } else if (Files.isDirectory(path)) {
                send(exchange, 200, "text/html; charset=utf-8", listing(path).getBytes(StandardCharsets.UTF_8));
            } else {
                sendFile(exchange, path);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sendFile(HttpExchange exchange, Path file) throws IOException {
        String name = file.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.') + 1);
        exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
        long size = Files.size(file);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
        try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
        }
    }

    private String listing(Path directory) throws IOException {
        String here = "/" + root.relativize(directory).toString().replace('\\', '/');
        StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<title>").append(escape(here))
                .append("</title>\n<h1>").append(escape(here)).append("</h1>\n<ul>\n");
        List<Path> entries;
        try (Stream<Path> list = Files.list(directory)) {
            entries = list.sorted().toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString() + (Files.isDirectory(entry) ? "/" : "");
            String href = URLEncoder.encode(entry.getFileName().toString(), StandardCharsets.UTF_8).replace("+", "%20")
                    + (Files.isDirectory(entry) ? "/" : "");
            String base = here.endsWith("/") ? here : here + "/";
            page.append("<li><a href=\"").append(base).append(href).append("\">").append(escape(name)).append("</a>\n");
        }
        return page.append("</ul>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 1 ? args[1] : ".");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
        FileServer files = new FileServer(root);
        HttpServer server = HttpServer.create(Examples.loopback(args, 0, 8081), 0);
        server.createContext("/", files::serve);
        server.start();
        Examples.printListening(server.getAddress());
        System.out.println("serving " + files.root);
    }
}
