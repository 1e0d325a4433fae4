package io.gevent4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gevent4j.Gevent;
import io.gevent4j.event.Event;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The seed blog's long-polling web chat ({@code ./gevent4j run longpoll-chat [PORT]}, port
 * 8082 by default; open it in a browser): {@code GET /} is the page, {@code POST /new} posts
 * the request body as a message, and {@code GET /updates?cursor=N} answers with the messages
 * after message N, waiting on an {@link Event} while there are none (up to 30 s, then an
 * empty list). Each waiting request is a greenlet parked on the event: thousands of open
 * polls cost a few KB each, and the code reads as if it blocked.
 *
 * <p>The server is created in a greenlet, so gevent4j's server (the {@code gevent4j-http}
 * module) serves it on the main thread's hub, where the event and the messages live: no lock.
 * Runs until interrupted.
 */
public final class LongPollChat {

    private static final int KEPT = 200;
    private static final Duration POLL = Duration.ofSeconds(30);
    private static final String PAGE = """
            <!DOCTYPE html>
            <title>gevent4j long-polling chat</title>
            <ul id="messages"></ul>
            <form id="form"><input id="text" autocomplete="off" autofocus><button>Send</button></form>
            <script>
            let cursor = 0;
            const list = document.getElementById("messages");
            async function poll() {
              while (true) {
                try {
                  const reply = await (await fetch("/updates?cursor=" + cursor)).json();
                  for (const m of reply.messages) {
                    const item = document.createElement("li");
                    item.textContent = m.body;
                    list.appendChild(item);
                    cursor = m.id;
                  }
                } catch (e) {
                  await new Promise(r => setTimeout(r, 1000));
                }
              }
            }
            document.getElementById("form").onsubmit = e => {
              e.preventDefault();
              const text = document.getElementById("text");
              fetch("/new", {method: "POST", body: text.value});
              text.value = "";
            };
            poll();
            </script>
            """;

    private record Message(long id, String body) {
    }

    private final Deque<Message> messages = new ArrayDeque<>();
    private long lastId;
    /** Set, and replaced by a new one, when a message arrives: the polls parked on it wake. */
    private Event newMessage = new Event();

    private void post(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).strip();
            Message message = new Message(++lastId, body);
            messages.addLast(message);
            if (messages.size() > KEPT) {
                messages.removeFirst();
            }
            Event arrived = newMessage;
            newMessage = new Event();
            arrived.set();
            send(exchange, "text/plain; charset=utf-8", message.id() + "\n");
        }
    }

    private void updates(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            long cursor;
            try {
                cursor = query != null && query.startsWith("cursor=") ? Long.parseLong(query.substring(7)) : 0;
            } catch (NumberFormatException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            if (lastId <= cursor) {
                newMessage.await(POLL);
            }
            StringBuilder json = new StringBuilder("{\"messages\": [");
            String separator = "";
            for (Message m : messages) {
                if (m.id() > cursor) {
                    json.append(separator).append("{\"id\": ").append(m.id()).append(", \"body\": \"")
                            .append(jsonEscape(m.body())).append("\"}");
                    separator = ", ";
                }
            }
            send(exchange, "application/json", json.append("]}\n").toString());
        }
    }

    private static void page(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, "text/html; charset=utf-8", PAGE);
        }
    }

    private static void send(HttpExchange exchange, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        LongPollChat chat = new LongPollChat();
        HttpServer server = Gevent.spawn(() -> {
            HttpServer s = HttpServer.create(Examples.loopback(args, 0, 8082), 0);
            s.createContext("/", LongPollChat::page);
            s.createContext("/new", chat::post);
            s.createContext("/updates", chat::updates);
            s.start();
            return s;
        }).get();
        Examples.printListening(server.getAddress());
        new Event().await();
    }
}
