package io.gevent4j.bench.table;

import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.StreamSocket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

/**
 * The table's gevent4j echo server on one hub: a {@link StreamServer} on 127.0.0.1 (a free
 * port, printed as {@code listening PORT}) whose handler runs gevent's loop
 * {@code data = sock.recv(4096); sock.sendall(data)} until the peer closes
 * ({@code TCP_NODELAY} on). Serves until the process is ended.
 */
public final class GeventEchoServer {

    private GeventEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (socket, address) -> echo(socket)).backlog(Servers.BACKLOG).start();
        Servers.announce(((InetSocketAddress) server.address()).getPort());
        server.serveForever();
    }

    /** gevent's echo loop over one connection. */
    static void echo(StreamSocket socket) throws Exception {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        byte[] data;
        while ((data = socket.recv(Servers.RECV_SIZE)).length > 0) {
            socket.sendAll(data);
        }
    }
}
