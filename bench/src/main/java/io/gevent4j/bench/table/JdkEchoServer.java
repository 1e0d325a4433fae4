package io.gevent4j.bench.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The table's JDK peer for echo: blocking {@code java.net} sockets, one virtual thread of
 * the default scheduler per connection (thread per connection, as a JDK user writes it),
 * reading at most 4096 bytes and writing them back ({@code TCP_NODELAY} on). Prints
 * {@code listening PORT}; serves until the process is ended.
 */
public final class JdkEchoServer {

    private JdkEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket(0, Servers.BACKLOG, InetAddress.getLoopbackAddress())) {
            Servers.announce(server.getLocalPort());
            while (true) {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> echo(socket));
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buf = new byte[Servers.RECV_SIZE];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away: its connection ends here, as in the other servers
        }
    }
}
