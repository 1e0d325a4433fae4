package io.gevent4j.monkey;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/**
 * The legacy integer socket options of {@link SocketOptions} (what {@code Socket.setTcpNoDelay}
 * and its kind pass to a {@code SocketImpl}) mapped onto a channel's
 * {@link StandardSocketOptions}, with the JDK's value conventions: {@code SO_LINGER} is
 * {@code Boolean.FALSE} when off, buffer sizes must be positive. {@code SO_TIMEOUT} is the
 * caller's; an option a channel lacks is a {@link SocketException}.
 */
final class SocketOptionIds {

    private SocketOptionIds() {
    }

    static void set(NetworkChannel channel, int id, Object value) throws SocketException {
        try {
            switch (id) {
                case SocketOptions.SO_LINGER -> channel.setOption(StandardSocketOptions.SO_LINGER,
                        Boolean.FALSE.equals(value) ? -1 : intValue(value, "SO_LINGER"));
                case SocketOptions.SO_SNDBUF -> channel.setOption(StandardSocketOptions.SO_SNDBUF,
                        positive(value, "SO_SNDBUF"));
                case SocketOptions.SO_RCVBUF -> channel.setOption(StandardSocketOptions.SO_RCVBUF,
                        positive(value, "SO_RCVBUF"));
                default -> channel.setOption(plainOption(id), plainValue(value, id));
            }
        } catch (SocketException e) {
            throw e;
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }

    static Object get(NetworkChannel channel, int id) throws SocketException {
        try {
            return switch (id) {
                case SocketOptions.SO_LINGER -> {
                    int seconds = channel.getOption(StandardSocketOptions.SO_LINGER);
                    yield seconds < 0 ? Boolean.FALSE : (Object) seconds;
                }
                case SocketOptions.SO_SNDBUF -> channel.getOption(StandardSocketOptions.SO_SNDBUF);
                case SocketOptions.SO_RCVBUF -> channel.getOption(StandardSocketOptions.SO_RCVBUF);
                case SocketOptions.IP_TOS -> channel.getOption(StandardSocketOptions.IP_TOS);
                case SocketOptions.SO_BINDADDR -> ((InetSocketAddress) channel.getLocalAddress()).getAddress();
                default -> channel.getOption(plainOption(id));
            };
        } catch (SocketException e) {
            throw e;
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }

    static int intValue(Object value, String name) throws SocketException {
        if (value instanceof Integer i) {
            return i;
        }
        throw new SocketException("bad value for " + name + ": " + value);
    }

    private static int positive(Object value, String name) throws SocketException {
        int i = intValue(value, name);
        if (i <= 0) {
            throw new SocketException(name + " <= 0");
        }
        return i;
    }

    private static Object plainValue(Object value, int id) throws SocketException {
        if (id == SocketOptions.IP_TOS) {
            return intValue(value, "IP_TOS");
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new SocketException("bad value for option " + id + ": " + value);
    }

    @SuppressWarnings("unchecked")
    private static SocketOption<Object> plainOption(int id) throws SocketException {
        SocketOption<?> option = switch (id) {
            case SocketOptions.TCP_NODELAY -> StandardSocketOptions.TCP_NODELAY;
            case SocketOptions.SO_KEEPALIVE -> StandardSocketOptions.SO_KEEPALIVE;
            case SocketOptions.SO_REUSEADDR -> StandardSocketOptions.SO_REUSEADDR;
            case SocketOptions.SO_REUSEPORT -> StandardSocketOptions.SO_REUSEPORT;
            case SocketOptions.IP_TOS -> StandardSocketOptions.IP_TOS;
            default -> throw new SocketException("option " + id + " is not supported by the patched socket");
        };
        return (SocketOption<Object>) option;
    }
}
