package io.gevent4j.internal.linux;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link StandardSocketOptions} of gevent4j's own TCP sockets, as {@code setsockopt} and
 * {@code getsockopt} calls: the options, values and errors of the JDK's
 * {@link java.nio.channels.SocketChannel}. {@code IP_TOS} is {@code IPV6_TCLASS} on an IPv6
 * socket. Internal to gevent4j.
 */
public final class NetOptions {

    /** The options a stream socket supports. */
    public static final Set<SocketOption<?>> STREAM = Set.of(StandardSocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT,
            StandardSocketOptions.IP_TOS);

    /** The options a listening socket supports, as {@link java.nio.channels.ServerSocketChannel}'s. */
    public static final Set<SocketOption<?>> LISTENING = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT, StandardSocketOptions.IP_TOS);

    private NetOptions() {
    }

    /**
     * Sets option {@code name} of {@code fd}, one of {@code supported}.
     *
     * @throws UnsupportedOperationException if it is not supported
     * @throws IllegalArgumentException if {@code value} is not valid for it (null, a negative buffer size, a TOS beyond 255)
     */
    public static <T> void set(Net net, int fd, Set<SocketOption<?>> supported, SocketOption<T> name, T value)
            throws IOException {
        check(supported, name);
        if (value == null) {
            throw new IllegalArgumentException("Invalid value 'null'");
        }
        if (name == StandardSocketOptions.SO_LINGER) {
            net.setLinger(fd, Math.min((Integer) value, 65535));
            return;
        }
        int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
        if ((name == StandardSocketOptions.SO_RCVBUF || name == StandardSocketOptions.SO_SNDBUF) && v < 0) {
            throw new IllegalArgumentException("Invalid " + name + " value: " + v);
        }
        if (name == StandardSocketOptions.IP_TOS && (v < 0 || v > 255)) {
            throw new IllegalArgumentException("Invalid IP_TOS value: " + v);
        }
        Key key = key(net, fd, name);
        net.setInt(fd, key.level(), key.name(), v);
    }

    /**
     * The value of option {@code name} of {@code fd}, one of {@code supported}.
     *
     * @throws UnsupportedOperationException if it is not supported
     */
    @SuppressWarnings("unchecked")
    public static <T> T get(Net net, int fd, Set<SocketOption<?>> supported, SocketOption<T> name) throws IOException {
        check(supported, name);
        if (name == StandardSocketOptions.SO_LINGER) {
            return (T) Integer.valueOf(net.getLinger(fd));
        }
        Key key = key(net, fd, name);
        int v = net.getInt(fd, key.level(), key.name());
        return (T) (name.type() == Boolean.class ? Boolean.valueOf(v != 0) : Integer.valueOf(v));
    }

    private static void check(Set<SocketOption<?>> supported, SocketOption<?> name) {
        if (!supported.contains(Objects.requireNonNull(name, "name"))) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
    }

    /** An option's {@code setsockopt} level and name. */
    private record Key(int level, int name) {
    }

    private static Key key(Net net, int fd, SocketOption<?> name) throws IOException {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            return new Key(Net.IPPROTO_TCP, Net.TCP_NODELAY);
        }
        if (name == StandardSocketOptions.IP_TOS) {
            return net.isInet6(fd) ? new Key(Net.IPPROTO_IPV6, Net.IPV6_TCLASS) : new Key(Net.IPPROTO_IP, Net.IP_TOS);
        }
        if (name == StandardSocketOptions.SO_KEEPALIVE) {
            return new Key(Net.SOL_SOCKET, Net.SO_KEEPALIVE);
        }
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return new Key(Net.SOL_SOCKET, Net.SO_RCVBUF);
        }
        if (name == StandardSocketOptions.SO_SNDBUF) {
            return new Key(Net.SOL_SOCKET, Net.SO_SNDBUF);
        }
        if (name == StandardSocketOptions.SO_REUSEADDR) {
            return new Key(Net.SOL_SOCKET, Net.SO_REUSEADDR);
        }
        return new Key(Net.SOL_SOCKET, Net.SO_REUSEPORT);
    }
}
