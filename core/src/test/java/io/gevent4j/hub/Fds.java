package io.gevent4j.hub;

import io.gevent4j.internal.linux.Errno;
import io.gevent4j.internal.linux.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw file descriptors for the tests of {@link FdWatcher} and {@link IoWait}: non-blocking
 * UNIX stream socket pairs and pipes made by FFM downcalls, read, written and closed the
 * same way. Any thread (each call uses a call state of its own).
 */
final class Fds {

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final MethodHandle SOCKETPAIR =
            Native.downcall("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PIPE2 = Native.downcall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = Native.downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = Native.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Fds() {
    }

    /** A connected pair of non-blocking UNIX stream sockets. */
    static int[] socketPair() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment state = Native.newCallState(arena);
            int rc = (int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | O_NONBLOCK | O_CLOEXEC, 0, fds);
            check(rc, state, "socketpair");
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A non-blocking pipe: its read end, then its write end. */
    static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment state = Native.newCallState(arena);
            check((int) PIPE2.invokeExact(state, fds, O_NONBLOCK | O_CLOEXEC), state, "pipe2");
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Writes {@code bytes}; returns how many were written, 0 if the descriptor would block. */
    static int write(int fd, byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, JAVA_BYTE, 0, bytes.length);
            MemorySegment state = Native.newCallState(arena);
            long n = (long) WRITE.invokeExact(state, fd, data, (long) bytes.length);
            return n >= 0 ? (int) n : wouldBlock(state, "write");
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Reads up to {@code max} bytes; returns how many were read, -1 if the descriptor would block (0: end of stream). */
    static int read(int fd, int max) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(max);
            MemorySegment state = Native.newCallState(arena);
            long n = (long) READ.invokeExact(state, fd, data, (long) max);
            return n >= 0 ? (int) n : wouldBlock(state, "read") - 1;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Writes until the descriptor would block; returns how many bytes that took. */
    static long fill(int fd) {
        byte[] chunk = new byte[65_536];
        long total = 0;
        for (int n; (n = write(fd, chunk)) > 0; ) {
            total += n;
        }
        return total;
    }

    /** Reads until the descriptor would block or ends; returns how many bytes that took. */
    static long drain(int fd) {
        long total = 0;
        for (int n; (n = read(fd, 65_536)) > 0; ) {
            total += n;
        }
        return total;
    }

    static void close(int... fds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.newCallState(arena);
            for (int fd : fds) {
                check((int) CLOSE.invokeExact(state, fd), state, "close");
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static int wouldBlock(MemorySegment state, String call) {
        if (Native.errno(state) != Errno.EAGAIN) {
            throw new IllegalStateException(call + ": " + Native.describe(Native.errno(state)));
        }
        return 0;
    }

    private static void check(int rc, MemorySegment state, String call) {
        if (rc != 0) {
            throw new IllegalStateException(call + ": " + Native.describe(Native.errno(state)));
        }
    }
}
