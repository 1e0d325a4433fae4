package io.gevent4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/** A plain {@code java.net.Socket} client, as telnet: sends lines, reads text up to what it expects. */
final class TextClient implements AutoCloseable {

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    TextClient(SocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 10_000);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads until the text read ends with {@code expected}; returns all of it. */
    String readUntil(String expected) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith(expected)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("end of stream before '" + expected + "'; got '" + text + "'");
            }
            text.append((char) b);
        }
        return text.toString();
    }

    /** Reads one line, without its terminator; {@code null} at end of stream. */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            line.append((char) b);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
