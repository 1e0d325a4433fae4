package io.gevent4j.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking test client on a platform thread: sends raw bytes, reads raw responses. */
final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one response: head, then a Content-Length or chunked body (none for HEAD/1xx/204/304 when {@code noBody}). */
    Response read(boolean noBody) throws IOException {
        String head = readHead();
        if (head == null) {
            return null;
        }
        Response r = new Response(head);
        if (noBody || r.status() < 200 || r.status() == 204 || r.status() == 304) {
            return r.withBody(new byte[0]);
        }
        String length = r.header("Content-Length");
        if (length != null) {
            return r.withBody(in.readNBytes(Integer.parseInt(length)));
        }
        if ("chunked".equalsIgnoreCase(r.header("Transfer-Encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (;;) {
                int size = Integer.parseInt(readLine().split(";")[0].strip(), 16);
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailer
                    }
                    return r.withBody(body.toByteArray());
                }
                body.write(in.readNBytes(size));
                readLine();
            }
        }
        return r.withBody(in.readAllBytes());
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Whether the server closed the connection (end of stream or reset) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    private String readHead() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (;;) {
            String line = readLine();
            if (line == null) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (line.isEmpty()) {
                return sb.toString();
            }
            sb.append(line).append('\n');
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (;;) {
            int c = in.read();
            if (c < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response as received. */
    record Response(String head, byte[] body) {
        Response(String head) {
            this(head, null);
        }

        Response withBody(byte[] b) {
            return new Response(head, b);
        }

        int status() {
            return Integer.parseInt(head.split(" ", 3)[1]);
        }

        String header(String name) {
            for (String line : head.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
