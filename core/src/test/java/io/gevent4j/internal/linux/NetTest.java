package io.gevent4j.internal.linux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Net}'s calls on loopback sockets, and the exceptions each {@code errno} becomes. */
class NetTest {

    private static final InetSocketAddress ANY_V4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Arena arena = Arena.ofConfined();
    private final Net net = new Net(arena);
    private final MemorySegment buffer = arena.allocate(1 << 16);
    private final List<Integer> fds = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (int fd : fds) {
            net.close(fd);
        }
        arena.close();
    }

    private int socket(boolean inet6) throws IOException {
        int fd = net.socket(inet6);
        fds.add(fd);
        return fd;
    }

    private int listener(InetSocketAddress at) throws IOException {
        int fd = socket(!(at.getAddress() instanceof java.net.Inet4Address));
        net.setInt(fd, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1);
        net.bind(fd, at);
        net.listen(fd, 16);
        return fd;
    }

    /** [client, accepted], connected over loopback. */
    private int[] pair(int listener) throws Exception {
        int client = socket(false);
        if (!net.connect(client, net.localAddress(listener))) {
            waitFor(client, Net.POLLOUT);
            assertTrue(net.finishConnect(client));
        }
        waitFor(listener, Net.POLLIN);
        int accepted = net.accept(listener);
        assertTrue(accepted >= 0);
        fds.add(accepted);
        return new int[] {client, accepted};
    }

    private void waitFor(int fd, short events) throws Exception {
        for (int i = 0; i < 10_000 && (net.poll(fd, events) & events) == 0; i++) {
            Thread.sleep(1);
        }
    }

    private int write(int fd, String s) throws IOException {
        byte[] b = s.getBytes();
        MemorySegment.copy(b, 0, buffer, ValueLayout.JAVA_BYTE, 0, b.length);
        return net.write(fd, buffer, b.length);
    }

    @Test
    void readWriteAcceptAndAddressesOverLoopback() throws Exception {
        int listener = listener(ANY_V4);
        InetSocketAddress bound = net.localAddress(listener);
        assertEquals(InetAddress.getLoopbackAddress(), bound.getAddress());
        assertTrue(bound.getPort() > 0);
        assertEquals(-1, net.accept(listener), "nothing to accept yet");
        int[] p = pair(listener);
        assertEquals(bound, net.remoteAddress(p[0]));
        assertEquals(net.localAddress(p[0]), net.remoteAddress(p[1]));
        assertEquals(0, net.read(p[1], buffer, 16), "nothing to read yet");
        assertEquals(5, write(p[0], "hello"));
        waitFor(p[1], Net.POLLIN);
        assertEquals(5, net.read(p[1], buffer, 16));
        assertEquals("hello", buffer.getString(0).substring(0, 5));
        net.shutdown(p[0], Net.SHUT_WR);
        waitFor(p[1], Net.POLLIN);
        assertEquals(-1, net.read(p[1], buffer, 16), "end of stream after the peer's half-close");
    }

    @Test
    void anUnboundSocketHasNoAddresses() throws IOException {
        int fd = socket(true);
        assertNull(net.localAddress(fd));
        assertNull(net.remoteAddress(fd));
        assertTrue(net.isInet6(fd));
        assertFalse(net.isInet6(socket(false)));
        int any = net.socket();
        fds.add(any);
        assertTrue(net.isInet6(any), "IPv6, taking IPv4 peers too, on a kernel with IPv6");
    }

    @Test
    void ipv6LoopbackAndIpv4PeersOfAnIpv6Socket() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        int listener = listener(v6);
        assertEquals(InetAddress.getByName("::1"), net.localAddress(listener).getAddress());
        int client = socket(true);
        net.connect(client, net.localAddress(listener));
        waitFor(client, Net.POLLOUT);
        assertTrue(net.finishConnect(client));
        assertEquals(net.localAddress(listener), net.remoteAddress(client));

        int v4listener = listener(ANY_V4);
        int dual = socket(true);
        net.connect(dual, net.localAddress(v4listener));
        waitFor(dual, Net.POLLOUT);
        assertTrue(net.finishConnect(dual));
        assertEquals(net.localAddress(v4listener), net.remoteAddress(dual),
                "an IPv6 socket's IPv4-mapped peer reads back as the IPv4 address");
    }

    @Test
    void aRefusedConnectionIsAConnectException() throws Exception {
        int listener = listener(ANY_V4);
        InetSocketAddress closedPort = net.localAddress(listener);
        net.close(listener);
        fds.remove((Integer) listener);
        int client = socket(false);
        IOException e = assertThrows(IOException.class, () -> {
            if (!net.connect(client, closedPort)) {
                waitFor(client, Net.POLLOUT);
                net.finishConnect(client);
            }
        });
        assertInstanceOf(ConnectException.class, e);
        assertEquals("Connection refused", e.getMessage());
    }

    @Test
    void aResetIsASocketExceptionConnectionReset() throws Exception {
        int[] p = pair(listener(ANY_V4));
        write(p[0], "unread");
        net.setLinger(p[1], 0);
        waitFor(p[1], Net.POLLIN);
        net.close(p[1]);
        fds.remove((Integer) p[1]);
        waitFor(p[0], Net.POLLIN);
        SocketException e = assertThrows(SocketException.class, () -> net.read(p[0], buffer, 16));
        assertEquals("Connection reset", e.getMessage());
    }

    @Test
    void writingAfterShutdownIsABrokenPipeWithoutSigpipe() throws Exception {
        int[] p = pair(listener(ANY_V4));
        net.shutdown(p[0], Net.SHUT_WR);
        SocketException e = assertThrows(SocketException.class, () -> write(p[0], "late"));
        assertEquals("Broken pipe", e.getMessage());
    }

    @Test
    void anAddressInUseIsABindException() throws Exception {
        int first = listener(ANY_V4);
        int second = socket(false);
        BindException e = assertThrows(BindException.class, () -> net.bind(second, net.localAddress(first)));
        assertEquals("Address already in use", e.getMessage());
        assertThrows(BindException.class, () -> net.bind(socket(false),
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0)), "an address not on this host");
    }

    @Test
    void everyErrnoBecomesTheJdkChannelsException() {
        assertInstanceOf(ConnectException.class, NetErrors.exception("connect", Errno.ETIMEDOUT));
        assertEquals("Connection timed out", NetErrors.exception("read", Errno.ETIMEDOUT).getMessage());
        assertInstanceOf(SocketException.class, NetErrors.exception("read", Errno.ETIMEDOUT));
        assertInstanceOf(NoRouteToHostException.class, NetErrors.exception("connect", Errno.EHOSTUNREACH));
        assertInstanceOf(NoRouteToHostException.class, NetErrors.exception("connect", Errno.ENETUNREACH));
        IOException emfile = NetErrors.exception("accept", Errno.EMFILE);
        assertEquals(IOException.class, emfile.getClass());
        assertTrue(emfile.getMessage().startsWith("Too many open files"), emfile.getMessage());
        assertTrue(NetErrors.exception("accept", Errno.ENFILE).getMessage().startsWith("Too many open files"));
        IOException other = NetErrors.exception("read", Errno.EBADF);
        assertEquals(IOException.class, other.getClass());
        assertTrue(other.getMessage().startsWith("Bad file descriptor"), other.getMessage());
    }

    @Test
    void optionsRoundTrip() throws Exception {
        int fd = pair(listener(ANY_V4))[0];
        var stream = NetOptions.STREAM;
        NetOptions.set(net, fd, stream, StandardSocketOptions.TCP_NODELAY, true);
        assertTrue(NetOptions.get(net, fd, stream, StandardSocketOptions.TCP_NODELAY));
        NetOptions.set(net, fd, stream, StandardSocketOptions.TCP_NODELAY, false);
        assertFalse(NetOptions.get(net, fd, stream, StandardSocketOptions.TCP_NODELAY));
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_KEEPALIVE, true);
        assertTrue(NetOptions.get(net, fd, stream, StandardSocketOptions.SO_KEEPALIVE));
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_LINGER, 7);
        assertEquals(7, NetOptions.get(net, fd, stream, StandardSocketOptions.SO_LINGER));
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_LINGER, -1);
        assertEquals(-1, NetOptions.get(net, fd, stream, StandardSocketOptions.SO_LINGER));
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_RCVBUF, 32 << 10);
        assertTrue(NetOptions.get(net, fd, stream, StandardSocketOptions.SO_RCVBUF) >= 32 << 10);
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_SNDBUF, 32 << 10);
        assertTrue(NetOptions.get(net, fd, stream, StandardSocketOptions.SO_SNDBUF) >= 32 << 10);
        NetOptions.set(net, fd, stream, StandardSocketOptions.IP_TOS, 0x10);
        assertEquals(0x10, NetOptions.get(net, fd, stream, StandardSocketOptions.IP_TOS));
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_REUSEADDR, true);
        assertTrue(NetOptions.get(net, fd, stream, StandardSocketOptions.SO_REUSEADDR));
        NetOptions.set(net, fd, stream, StandardSocketOptions.SO_REUSEPORT, true);
        assertTrue(NetOptions.get(net, fd, stream, StandardSocketOptions.SO_REUSEPORT));
        assertThrows(UnsupportedOperationException.class,
                () -> NetOptions.get(net, fd, stream, StandardSocketOptions.SO_BROADCAST));
        assertThrows(IllegalArgumentException.class,
                () -> NetOptions.set(net, fd, stream, StandardSocketOptions.SO_RCVBUF, -1));
        assertThrows(IllegalArgumentException.class,
                () -> NetOptions.set(net, fd, stream, StandardSocketOptions.IP_TOS, 256));
        int v6 = socket(true);
        NetOptions.set(net, v6, stream, StandardSocketOptions.IP_TOS, 0x20);
        assertEquals(0x20, NetOptions.get(net, v6, stream, StandardSocketOptions.IP_TOS), "IPV6_TCLASS");
    }

    @Test
    void preCloseFreesThePortAndEndsTheConnectionWhileTheNumberStays() throws Exception {
        int listener = listener(ANY_V4);
        InetSocketAddress address = net.localAddress(listener);
        int[] p = pair(listener);
        net.preClose(p[1]);
        waitFor(p[0], Net.POLLIN);
        assertEquals(-1, net.read(p[0], buffer, 16), "the peer sees the close at once");
        assertEquals(-1, net.read(p[1], buffer, 16), "the pre-closed number reads end of stream");
        net.preClose(listener);
        int again = socket(false);
        net.setInt(again, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1); // the closed connection's end lingers in FIN_WAIT2
        net.bind(again, address);
        net.listen(again, 1);
        assertEquals(address, net.localAddress(again), "no socket listens on the port any more");
    }
}
