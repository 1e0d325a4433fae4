package io.gevent4j.internal.linux;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/**
 * The exception a failed socket call throws for its {@code errno}: the one the JDK's socket
 * channels throw for the same case, so code written against them catches the same types.
 * Internal to gevent4j.
 */
final class NetErrors {

    private NetErrors() {
    }

    /**
     * The exception for {@code errno}, left by the call {@code call} ("connect", "read"...):
     * {@link ConnectException} for a refused (or, connecting, timed-out) connection,
     * {@link SocketException} "Connection reset" and "Broken pipe", {@link BindException}
     * for an address in use or not available, {@link NoRouteToHostException} for an
     * unreachable host or network, and an {@link IOException} with the C library's message
     * otherwise ("Too many open files" included).
     */
    static IOException exception(String call, int errno) {
        return switch (errno) {
            case Errno.ECONNREFUSED -> new ConnectException("Connection refused");
            case Errno.ECONNRESET -> new SocketException("Connection reset");
            case Errno.EPIPE -> new SocketException("Broken pipe");
            case Errno.ETIMEDOUT -> call.equals("connect")
                    ? new ConnectException("Connection timed out")
                    : new SocketException("Connection timed out");
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL -> new BindException(Native.describe(errno));
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH -> new NoRouteToHostException(Native.describe(errno));
            default -> new IOException(Native.describe(errno) + " (" + call + ", errno " + errno + ")");
        };
    }
}
