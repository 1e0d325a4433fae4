package io.gevent4j.examples;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.queue.Queue;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.StreamSocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed's chat server ({@code ./gevent4j run chat [PORT]}, port 8001 by default; join
 * with {@code telnet 127.0.0.1 8001}): asks each user's name, refuses one taken, announces
 * who joins and leaves, and relays every line as {@code NAME> message} to every user. Each
 * user has one {@link Queue} of lines to send, one reader greenlet and one writer greenlet
 * (gevent's one-greenlet-per-direction pattern). Everything runs on the main thread's hub,
 * so {@link #users} needs no lock. Runs until interrupted.
 */
public final class ChatServer {

    /** Each user's name and the queue of what to send them. */
    private final Map<String, Queue<String>> users = new LinkedHashMap<>();

    private void broadcast(String message) {
        for (Queue<String> queue : users.values()) {
            queue.put(message + "\n");
        }
    }

    private Void reader(String name, BufferedReader lines) throws IOException {
        for (String line; (line = lines.readLine()) != null; ) {
            broadcast(name + "> " + line.strip());
        }
        return null;
    }

    private static Void writer(Queue<String> queue, StreamSocket socket) throws IOException {
        while (true) {
            socket.sendAll(queue.get().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The name the user chose, or {@code null} if they left before choosing. */
    private String readName(BufferedReader lines, StreamSocket socket) throws IOException {
        while (true) {
            socket.sendAll("Please enter your name: ".getBytes(StandardCharsets.UTF_8));
            String line = lines.readLine();
            if (line == null) {
                return null;
            }
            String name = line.strip();
            if (!name.isEmpty()) {
                if (users.containsKey(name)) {
                    socket.sendAll("That username is already taken.\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    return name;
                }
            }
        }
    }

    void handle(StreamSocket socket, SocketAddress address) throws IOException {
        var lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String name = readName(lines, socket);
        if (name == null) {
            return;
        }
        String from = address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : address.toString();
        broadcast("## " + name + " joined from " + from + ".");
        Queue<String> queue = new Queue<>();
        users.put(name, queue);
        try {
            Greenlet<Void> reader = Gevent.spawn(() -> reader(name, lines));
            Greenlet<Void> writer = Gevent.spawn(() -> writer(queue, socket));
            try {
                Gevent.joinAll(reader);
            } finally {
                reader.kill();
                writer.kill();
            }
        } finally {
            users.remove(name);
            broadcast("## " + name + " left the chat.");
        }
    }

    public static void main(String[] args) throws IOException {
        ChatServer chat = new ChatServer();
        StreamServer server = new StreamServer(Examples.loopback(args, 0, 8001), chat::handle).start();
        Examples.printListening(server.address());
        server.serveForever();
    }
}
