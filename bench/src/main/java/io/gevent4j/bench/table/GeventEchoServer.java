package io.gevent4j.bench.table;

import io.gevent4j.hub.HubGroup;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.StreamSocket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

/**
 * The table's gevent4j echo server: a {@link StreamServer} on 127.0.0.1 (a free port,
 * printed as {@code listening PORT}) whose handler runs gevent's loop
 * {@code data = sock.recv(4096); sock.sendall(data)} until the peer closes
 * ({@code TCP_NODELAY} on). Without arguments every connection is a greenlet of the main
 * thread's hub; with {@code hubs} the server spreads the connections over a {@link HubGroup}
 * of one hub per core ({@link StreamServer#hubGroup}). Serves until the process is ended.
 */
public final class GeventEchoServer {

    private GeventEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        boolean allHubs = args.length == 1 && args[0].equals("hubs");
        if (args.length > 1 || (args.length == 1 && !allHubs)) {
            System.err.println("usage: GeventEchoServer [hubs]");
            System.exit(2);
        }
        StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (socket, address) -> echo(socket)).backlog(Servers.BACKLOG);
        if (!allHubs) {
            serve(server);
            return;
        }
        try (HubGroup hubs = HubGroup.start(Runtime.getRuntime().availableProcessors())) {
            serve(server.hubGroup(hubs));
        }
    }

    private static void serve(StreamServer server) throws Exception {
        server.start();
        Servers.announce(((InetSocketAddress) server.address()).getPort());
        server.serveForever();
    }

    /** gevent's echo loop over one connection. */
    private static void echo(StreamSocket socket) throws Exception {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        byte[] data;
        while ((data = socket.recv(Servers.RECV_SIZE)).length > 0) {
            socket.sendAll(data);
        }
    }
}
