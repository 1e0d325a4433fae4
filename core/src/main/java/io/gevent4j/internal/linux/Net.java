package io.gevent4j.internal.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The socket system calls of gevent4j's own TCP sockets, for one thread at a time: each
 * {@code Net} keeps the native memory its calls need (the {@code errno} call state, room for
 * an address and an option), so a hub makes one for all its sockets (its greenlets never
 * call at once) and another thread makes one of its own. Every socket is non-blocking and
 * close-on-exec. Failures throw what the JDK's channels throw for the same {@code errno}
 * ({@link NetErrors}); a call that would block returns a value saying so instead.
 * Only when {@link Native#available()}. Internal to gevent4j.
 */
public final class Net {

    /** {@link #shutdown} of the reading half. */
    public static final int SHUT_RD = 0;
    /** {@link #shutdown} of the writing half. */
    public static final int SHUT_WR = 1;
    /** {@link #poll} event: readable (or a connection to accept). */
    public static final short POLLIN = 0x1;
    /** {@link #poll} event: writable. */
    public static final short POLLOUT = 0x4;
    /** {@link #poll} event, reported whatever was asked: an error is pending. */
    public static final short POLLERR = 0x8;
    /** {@link #poll} event, reported whatever was asked: hung up. */
    public static final short POLLHUP = 0x10;

    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_KEEPALIVE = 9;
    static final int SO_LINGER = 13;
    static final int SO_REUSEPORT = 15;
    static final int SO_DOMAIN = 39;
    static final int IPPROTO_IP = 0;
    static final int IP_TOS = 1;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_TCLASS = 67;

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;

    private static final MethodHandle SOCKET = call("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SOCKETPAIR = call("socketpair", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle BIND = call("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = call("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = call("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = call("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle READ = call("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle SEND = call("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle SHUTDOWN = call("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle CLOSE = call("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle DUP2 = call("dup2", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT = call("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT = call("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETSOCKNAME = call("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETPEERNAME = call("getpeername", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle POLL = call("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

    private final MemorySegment state;
    /** A socket address, in and out. */
    private final MemorySegment address;
    /** A {@code socklen_t}, in and out. */
    private final MemorySegment length;
    /** An option's value (at most a {@code struct linger}), or a {@code struct pollfd}. */
    private final MemorySegment value;

    /** The calls of one thread at a time, their memory allocated in {@code arena}. */
    public Net(Arena arena) {
        this.state = Native.newCallState(arena);
        this.address = arena.allocate(SockAddr.MAX_SIZE, 8);
        this.length = arena.allocate(JAVA_INT);
        this.value = arena.allocate(8, 8);
    }

    private static MethodHandle call(String name, ValueLayout result, ValueLayout... arguments) {
        return Native.downcall(name, FunctionDescriptor.of(result, arguments));
    }

    /**
     * A new non-blocking TCP socket, IPv6 ({@code inet6}, which takes IPv4 peers as well) or IPv4.
     *
     * @return its file descriptor
     */
    public int socket(boolean inet6) throws IOException {
        return check(open(inet6), "socket");
    }

    /**
     * A new non-blocking TCP socket for any peer: IPv6 taking IPv4 peers as well, or IPv4
     * where the kernel has no IPv6 (as the JDK's {@code SocketChannel.open()}).
     *
     * @return its file descriptor
     */
    public int socket() throws IOException {
        int fd = open(true);
        return fd >= 0 || Native.errno(state) != Errno.EAFNOSUPPORT ? check(fd, "socket") : socket(false);
    }

    /** {@code socket}, IPv6 ones made dual-stack; -1 with {@code errno} in the call state if it failed. */
    private int open(boolean inet6) throws IOException {
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(state, inet6 ? (int) SockAddr.AF_INET6 : (int) SockAddr.AF_INET,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (fd >= 0 && inet6) {
            try {
                setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
            } catch (IOException e) {
                close(fd);
                throw e;
            }
        }
        return fd;
    }

    /** Whether the socket {@code fd} is IPv6 (else IPv4). */
    public boolean isInet6(int fd) throws IOException {
        return getInt(fd, SOL_SOCKET, SO_DOMAIN) == SockAddr.AF_INET6;
    }

    /** Binds {@code fd} to {@code local} (port 0: any free port). */
    public void bind(int fd, InetSocketAddress local) throws IOException {
        int size = SockAddr.write(local, family(fd), address);
        int rc;
        try {
            rc = (int) BIND.invokeExact(state, fd, address, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        check(rc, "bind");
    }

    /** Makes {@code fd} listen, with at most {@code backlog} connections waiting to be accepted. */
    public void listen(int fd, int backlog) throws IOException {
        int rc;
        try {
            rc = (int) LISTEN.invokeExact(state, fd, backlog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        check(rc, "listen");
    }

    /**
     * Accepts a connection waiting on the listening {@code fd}, made non-blocking and
     * close-on-exec; a connection aborted before it was accepted is skipped. The peer's
     * address is then {@link #acceptedPeer()}, until the next call.
     *
     * @return its file descriptor, or -1 if none waits
     */
    public int accept(int fd) throws IOException {
        while (true) {
            length.set(JAVA_INT, 0, SockAddr.MAX_SIZE);
            int accepted;
            try {
                accepted = (int) ACCEPT4.invokeExact(state, fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            if (accepted >= 0) {
                return accepted;
            }
            int errno = Native.errno(state);
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            if (errno != Errno.ECONNABORTED && errno != Errno.EINTR) {
                throw NetErrors.exception("accept", errno);
            }
        }
    }

    /**
     * The address of the peer of the connection the last {@link #accept} returned, as the
     * kernel recorded it when the connection arrived (known even if the peer has reset since).
     */
    public InetSocketAddress acceptedPeer() {
        return SockAddr.read(address);
    }

    /**
     * Starts connecting {@code fd} to {@code remote}.
     *
     * @return {@code true} if connected already, {@code false} if the connection is under
     *         way: wait until the socket is writable, then {@link #finishConnect}
     * @throws AlreadyConnectedException if the socket is connected (the kernel says so from
     *         the second call after a connection was made; the caller checks for the first)
     * @throws ConnectionPendingException if an earlier connect is still under way
     */
    public boolean connect(int fd, InetSocketAddress remote) throws IOException {
        int size = SockAddr.write(remote, family(fd), address);
        int rc;
        try {
            rc = (int) CONNECT.invokeExact(state, fd, address, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc == 0) {
            return true;
        }
        int errno = Native.errno(state);
        if (errno == Errno.EINPROGRESS || errno == Errno.EINTR) {
            return false;
        }
        if (errno == Errno.EISCONN) {
            throw new AlreadyConnectedException();
        }
        if (errno == Errno.EALREADY) {
            throw new ConnectionPendingException();
        }
        throw NetErrors.exception("connect", errno);
    }

    /**
     * Ends a connection {@link #connect} left under way, once the socket is writable.
     *
     * @return {@code true} if connected, {@code false} if still under way
     * @throws java.net.ConnectException and the like: why it failed
     */
    public boolean finishConnect(int fd) throws IOException {
        int error = getInt(fd, SOL_SOCKET, SO_ERROR);
        if (error != 0) {
            throw NetErrors.exception("connect", error);
        }
        return remoteAddress(fd) != null;
    }

    /**
     * Reads at most {@code size} bytes into {@code into} (native memory).
     *
     * @return the number of bytes read, -1 at end of stream, 0 if none is there (or {@code size} is 0)
     * @throws NotYetConnectedException if the socket was never connected
     */
    public int read(int fd, MemorySegment into, long size) throws IOException {
        while (true) {
            long n;
            try {
                n = (long) READ.invokeExact(state, fd, into, size);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return size == 0 ? 0 : -1;
            }
            int errno = Native.errno(state);
            if (errno == Errno.EAGAIN) {
                return 0;
            }
            if (errno == Errno.ENOTCONN) {
                throw new NotYetConnectedException(); // only a socket never connected: one that was reads its end
            }
            if (errno != Errno.EINTR) {
                throw NetErrors.exception("read", errno);
            }
        }
    }

    /**
     * Writes at most {@code size} bytes from {@code from} (native memory), without raising
     * {@code SIGPIPE} when the peer is gone.
     *
     * @return the number of bytes written, 0 if the socket's send buffer is full
     * @throws NotYetConnectedException if the socket was never connected (nor bound)
     */
    public int write(int fd, MemorySegment from, long size) throws IOException {
        while (true) {
            long n;
            try {
                n = (long) SEND.invokeExact(state, fd, from, size, MSG_NOSIGNAL);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            if (n >= 0) {
                return (int) n;
            }
            int errno = Native.errno(state);
            if (errno == Errno.EAGAIN) {
                return 0;
            }
            if (errno == Errno.EPIPE && neverBound(fd)) {
                throw new NotYetConnectedException(); // a connected socket is bound: this one never was
            }
            if (errno != Errno.EINTR) {
                throw NetErrors.exception("write", errno);
            }
        }
    }

    /** Whether {@code fd} has no local address: it was never bound, so never connected either. */
    private boolean neverBound(int fd) {
        try {
            return localAddress(fd) == null;
        } catch (IOException e) {
            return false; // not a TCP socket any more (pre-closed): the caller's own error stands
        }
    }

    /** Shuts down a half of the connection: {@link #SHUT_RD} or {@link #SHUT_WR}; a socket never connected is left as it is. */
    public void shutdown(int fd, int how) throws IOException {
        int rc;
        try {
            rc = (int) SHUTDOWN.invokeExact(state, fd, how);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc != 0 && Native.errno(state) != Errno.ENOTCONN) {
            throw NetErrors.exception("shutdown", Native.errno(state));
        }
    }

    /**
     * Closes {@code fd}. Linux releases the descriptor even when {@code close} reports an
     * error ({@code EINTR} included), so it is never retried.
     */
    public void close(int fd) throws IOException {
        int rc;
        try {
            rc = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc != 0 && Native.errno(state) != Errno.EINTR) {
            throw NetErrors.exception("close", Native.errno(state));
        }
    }

    /**
     * The first half of closing {@code fd} from a thread that must not release its number
     * (the JDK's trick for a close from another thread): the connection is replaced by a
     * socket whose peer is gone, so the port is free and the peer sees the close at once,
     * while the number stays allocated (reading it finds end of stream) until its owner
     * {@link #close}s it. Any thread.
     */
    public void preClose(int fd) throws IOException {
        int rc;
        try {
            rc = (int) DUP2.invokeExact(state, PreClosed.FD, fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        check(rc, "dup2");
    }

    /**
     * The events among {@code events} ({@link #POLLIN}, {@link #POLLOUT}) that {@code fd} is
     * ready for now, with {@link #POLLERR} and {@link #POLLHUP} if so; 0 if none. Never waits.
     */
    public int poll(int fd, short events) throws IOException {
        value.set(JAVA_INT, 0, fd);
        value.set(ValueLayout.JAVA_SHORT, 4, events);
        value.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int rc;
        try {
            rc = (int) POLL.invokeExact(state, value, 1L, 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        check(rc, "poll");
        return rc == 0 ? 0 : value.get(ValueLayout.JAVA_SHORT, 6);
    }

    /** The integer option {@code name} at {@code level} of {@code fd}. */
    public int getInt(int fd, int level, int name) throws IOException {
        length.set(JAVA_INT, 0, 4);
        getsockopt(fd, level, name);
        return value.get(JAVA_INT, 0);
    }

    /** Sets the integer option {@code name} at {@code level} of {@code fd}. */
    public void setInt(int fd, int level, int name, int to) throws IOException {
        value.set(JAVA_INT, 0, to);
        setsockopt(fd, level, name, 4);
    }

    /** {@code SO_LINGER}: the linger time in seconds, or -1 when off. */
    public int getLinger(int fd) throws IOException {
        length.set(JAVA_INT, 0, 8);
        getsockopt(fd, SOL_SOCKET, SO_LINGER);
        return value.get(JAVA_INT, 0) == 0 ? -1 : value.get(JAVA_INT, 4);
    }

    /** Sets {@code SO_LINGER}: {@code seconds} (0: reset the connection at close), or off when negative. */
    public void setLinger(int fd, int seconds) throws IOException {
        value.set(JAVA_INT, 0, seconds < 0 ? 0 : 1);
        value.set(JAVA_INT, 4, Math.max(seconds, 0));
        setsockopt(fd, SOL_SOCKET, SO_LINGER, 8);
    }

    /**
     * The address {@code fd} is bound to, or {@code null} if it is not.
     *
     * @throws SocketException if {@code fd} is not a TCP socket (any more: {@link #preClose})
     */
    public InetSocketAddress localAddress(int fd) throws IOException {
        InetSocketAddress a = name(GETSOCKNAME, fd, "getsockname");
        return a == null || a.getPort() == 0 ? null : a;
    }

    /**
     * The address of {@code fd}'s peer, or {@code null} if it is not connected.
     *
     * @throws SocketException if {@code fd} is not a TCP socket (any more: {@link #preClose})
     */
    public InetSocketAddress remoteAddress(int fd) throws IOException {
        return name(GETPEERNAME, fd, "getpeername");
    }

    private InetSocketAddress name(MethodHandle call, int fd, String what) throws IOException {
        length.set(JAVA_INT, 0, SockAddr.MAX_SIZE);
        int rc;
        try {
            rc = (int) call.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc != 0) {
            if (Native.errno(state) == Errno.ENOTCONN) {
                return null;
            }
            throw NetErrors.exception(what, Native.errno(state));
        }
        short family = address.get(ValueLayout.JAVA_SHORT, 0);
        if (family != SockAddr.AF_INET && family != SockAddr.AF_INET6) {
            throw new SocketException("not a TCP socket: address family " + family + " (" + what + ")");
        }
        return SockAddr.read(address);
    }

    private void getsockopt(int fd, int level, int name) throws IOException {
        int rc;
        try {
            rc = (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        check(rc, "getsockopt");
    }

    private void setsockopt(int fd, int level, int name, int size) throws IOException {
        int rc;
        try {
            rc = (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        check(rc, "setsockopt");
    }

    private short family(int fd) throws IOException {
        return isInet6(fd) ? SockAddr.AF_INET6 : SockAddr.AF_INET;
    }

    /** {@code rc} if it is not negative, else the exception for the call's {@code errno}. */
    private int check(int rc, String call) throws IOException {
        if (rc < 0) {
            throw NetErrors.exception(call, Native.errno(state));
        }
        return rc;
    }

    /**
     * The socket {@link #preClose} puts in place of a connection: one end of a UNIX-domain
     * socket pair whose other end is closed, made once for the process (as the JDK's).
     */
    private static final class PreClosed {
        static final int FD = make();

        private static int make() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = Native.newCallState(arena);
                MemorySegment pair = arena.allocate(JAVA_INT, 2);
                int rc = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair);
                if (rc != 0) {
                    throw new IllegalStateException("socketpair failed: " + Native.describe(Native.errno(state)));
                }
                int closed = (int) CLOSE.invokeExact(state, pair.getAtIndex(JAVA_INT, 1));
                if (closed != 0) {
                    throw new IllegalStateException("close failed: " + Native.describe(Native.errno(state)));
                }
                return pair.getAtIndex(JAVA_INT, 0);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        }
    }
}
