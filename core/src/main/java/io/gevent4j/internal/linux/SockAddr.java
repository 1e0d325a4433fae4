package io.gevent4j.internal.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr_in} and {@code sockaddr_in6} to and from {@link InetSocketAddress}
 * (Linux's layouts, the same on x86-64 and AArch64): the family in host order, the port and
 * the address in network order. An IPv4 address given to an IPv6 socket is written as its
 * IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}), and read back as the IPv4 address, as
 * the JDK's channels do. Internal to gevent4j.
 */
final class SockAddr {

    static final short AF_INET = 2;
    static final short AF_INET6 = 10;
    /** Room for either structure (a {@code sockaddr_storage} is larger, but no other family is read). */
    static final int MAX_SIZE = 28;
    private static final int IN_SIZE = 16;
    private static final int IN6_SIZE = 28;

    private static final ValueLayout.OfShort FAMILY = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1};

    private SockAddr() {
    }

    /**
     * Writes {@code address} into {@code into} (at least {@link #MAX_SIZE} bytes) for a
     * socket of family {@code family} ({@link #AF_INET} or {@link #AF_INET6}).
     *
     * @return the structure's length
     * @throws IllegalArgumentException if the address is unresolved, or IPv6 for an IPv4 socket
     */
    static int write(InetSocketAddress address, short family, MemorySegment into) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        into.fill((byte) 0);
        into.set(FAMILY, 0, family);
        into.set(PORT, 2, (short) address.getPort());
        byte[] bytes = ip.getAddress();
        if (family == AF_INET) {
            if (bytes.length != 4) {
                throw new IllegalArgumentException("an IPv4 socket cannot use the IPv6 address " + address);
            }
            MemorySegment.copy(bytes, 0, into, ValueLayout.JAVA_BYTE, 4, 4);
            return IN_SIZE;
        }
        if (bytes.length == 4) {
            MemorySegment.copy(MAPPED_PREFIX, 0, into, ValueLayout.JAVA_BYTE, 8, MAPPED_PREFIX.length);
            MemorySegment.copy(bytes, 0, into, ValueLayout.JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(bytes, 0, into, ValueLayout.JAVA_BYTE, 8, 16);
            if (ip instanceof Inet6Address v6) {
                into.set(ValueLayout.JAVA_INT, 24, v6.getScopeId());
            }
        }
        return IN6_SIZE;
    }

    /**
     * The address in {@code from}, as the kernel wrote it.
     *
     * @throws IllegalArgumentException if it is of another family
     */
    static InetSocketAddress read(MemorySegment from) {
        short family = from.get(FAMILY, 0);
        int port = Short.toUnsignedInt(from.get(PORT, 2));
        try {
            if (family == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(bytes(from, 4, 4)), port);
            }
            if (family == AF_INET6) {
                byte[] bytes = bytes(from, 8, 16);
                if (isMapped(bytes)) {
                    return new InetSocketAddress(InetAddress.getByAddress(bytes(from, 20, 4)), port);
                }
                int scope = from.get(ValueLayout.JAVA_INT, 24);
                InetAddress ip = scope == 0 ? InetAddress.getByAddress(bytes)
                        : Inet6Address.getByAddress(null, bytes, scope);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the kernel wrote an address of a wrong length", e);
        }
        throw new IllegalArgumentException("not an IPv4 or IPv6 address: family " + family);
    }

    /** The family a socket needs for {@code address}: {@link #AF_INET} for IPv4, {@link #AF_INET6} for IPv6. */
    static short familyOf(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? AF_INET : AF_INET6;
    }

    private static byte[] bytes(MemorySegment from, long offset, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        return b;
    }

    private static boolean isMapped(byte[] v6) {
        for (int i = 0; i < MAPPED_PREFIX.length; i++) {
            if (v6[i] != MAPPED_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }
}
