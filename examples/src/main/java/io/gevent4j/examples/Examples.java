package io.gevent4j.examples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** What the seed examples share: where they listen, and how they say so. */
final class Examples {

    private Examples() {
    }

    /**
     * The loopback address and the port given as {@code args[index]}, or {@code defaultPort}.
     *
     * @throws IllegalArgumentException if the argument is not a port number
     */
    static InetSocketAddress loopback(String[] args, int index, int defaultPort) {
        int port = defaultPort;
        if (args.length > index) {
            try {
                port = Integer.parseInt(args[index]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a port number: " + args[index], e);
            }
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Prints {@code listening on HOST:PORT} (or the socket's path) as the first line of output. */
    static void printListening(SocketAddress address) {
        String where = address instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : address.toString();
        System.out.println("listening on " + where);
        System.out.flush();
    }
}
