package io.gevent4j.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Test helpers: a loopback listener and a connected pair of sockets on the current hub. */
final class Net {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Net() {
    }

    static ListeningSocket listen() throws IOException {
        return ListeningSocket.bind(new InetSocketAddress(LOOPBACK, 0));
    }

    static InetSocketAddress addressOf(ListeningSocket server) throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** Two connected sockets: [client, server side]. */
    static StreamSocket[] pair() throws IOException {
        try (ListeningSocket server = listen()) {
            StreamSocket client = StreamSocket.open(addressOf(server));
            return new StreamSocket[] {client, server.accept()};
        }
    }
}
