package io.gevent4j.server;

import io.gevent4j.socket.StreamSocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A test client on the current hub that sends and reads lines; every read waits at most 10 s. */
final class LineClient implements AutoCloseable {

    final StreamSocket socket;
    private final BufferedReader in;

    LineClient(SocketAddress server) throws IOException {
        this(StreamSocket.open(server));
    }

    LineClient(StreamSocket socket) {
        this.socket = socket;
        socket.setTimeout(Duration.ofSeconds(10));
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    void send(String line) throws IOException {
        socket.sendAll((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The next line, or {@code null} at end of stream. */
    String readLine() throws IOException {
        return in.readLine();
    }

    String call(String line) throws IOException {
        send(line);
        return readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
