package io.gevent4j.internal.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One Linux epoll instance over FFM downcalls, with an eventfd of its own through which
 * another thread ends a wait ({@link #wakeup()}), and the native memory it needs: an array of
 * {@code struct epoll_event} that {@link #await} fills, a one-event segment for
 * {@link #control}, and a call-state segment for {@code errno}, all allocated once in an
 * arena of its own and freed by {@link #close()}. Each registration's user data is its file
 * descriptor: {@link #fd(int)} reads it back. Internal to gevent4j.
 *
 * <p>Threads: {@link #open} and {@link #wakeup()} may be called from any thread; the rest
 * from one thread at a time (a hub's: its owner and carrier take turns), since the call state
 * and the event array are shared by its calls. Requires {@link Native#available()}.
 */
public final class Epoll implements AutoCloseable {

    public static final int EPOLLIN = 0x1;
    public static final int EPOLLOUT = 0x4;
    public static final int EPOLLERR = 0x8;
    public static final int EPOLLHUP = 0x10;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLET = 1 << 31;

    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    /** {@code struct epoll_event}: packed on x86-64 (12 bytes, data at 4), naturally aligned elsewhere (16, data at 8). */
    private static final boolean PACKED = System.getProperty("os.arch", "").equals("amd64")
            || System.getProperty("os.arch", "").equals("x86_64");
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle CLOSE;
    private static final MethodHandle EVENTFD;
    private static final MethodHandle READ;
    /**
     * {@code write} without {@code errno}, for {@link #wakeup()} from any thread: it needs no
     * call state of its own (it can only fail once the epoll is closed, which is ignored).
     */
    private static final MethodHandle WRITE_ANY_THREAD;
    /** The 8-byte counter increment {@link #wakeup()} writes, shared read-only by every thread. */
    private static final MemorySegment ONE;

    static {
        boolean available = Native.available();
        EPOLL_CREATE1 = available ? Native.downcall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT)) : null;
        EPOLL_CTL = available ? Native.downcall("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)) : null;
        EPOLL_WAIT = available ? Native.downcall("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)) : null;
        CLOSE = available ? Native.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT)) : null;
        EVENTFD = available ? Native.downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)) : null;
        FunctionDescriptor readOrWrite = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
        READ = available ? Native.downcall("read", readOrWrite) : null;
        Linker linker = Linker.nativeLinker();
        WRITE_ANY_THREAD = available ? linker.downcallHandle(linker.defaultLookup().find("write").orElseThrow(),
                readOrWrite) : null;
        ONE = Arena.global().allocate(JAVA_LONG);
        ONE.set(JAVA_LONG, 0, 1L);
    }

    private final Arena arena;
    private final MemorySegment callState;
    private final MemorySegment events;
    private final MemorySegment control;
    private final int maxEvents;
    private final int epfd;
    private final int wakeFd;
    /** Guards the wake-up eventfd: {@link #wakeup()} never writes to its number once {@link #close()} closed it. */
    private final Object wakeLock = new Object();
    private boolean closed;

    private Epoll(Arena arena, int maxEvents) throws IOException {
        this.arena = arena;
        this.maxEvents = maxEvents;
        this.callState = Native.newCallState(arena);
        this.events = arena.allocate(maxEvents * EVENT_SIZE, 8);
        this.control = arena.allocate(EVENT_SIZE, 8);
        try {
            epfd = (int) EPOLL_CREATE1.invokeExact(callState, EPOLL_CLOEXEC);
            if (epfd < 0) {
                throw failure("epoll_create1", errno());
            }
            wakeFd = (int) EVENTFD.invokeExact(callState, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (wakeFd < 0) {
            IOException e = failure("eventfd", errno());
            closeFd(epfd);
            throw e;
        }
        int errno = control(wakeFd, EPOLLIN | EPOLLET, false);
        if (errno != 0) {
            closeFd(wakeFd);
            closeFd(epfd);
            throw failure("epoll_ctl", errno);
        }
    }

    /**
     * A new epoll instance (close-on-exec) whose {@link #await} reports up to
     * {@code maxEvents} events at a time.
     *
     * @throws IOException if the kernel refuses (too many open files, say)
     * @throws IllegalStateException if not {@link Native#available()}
     */
    public static Epoll open(int maxEvents) throws IOException {
        if (!Native.available()) {
            throw new IllegalStateException("no epoll: " + Native.unavailableReason());
        }
        Arena arena = Arena.ofShared();
        try {
            return new Epoll(arena, maxEvents);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The epoll instance's own file descriptor. */
    public int fd() {
        return epfd;
    }

    /** The eventfd {@link #wakeup()} writes: {@link #await} reports it as an event of its own. */
    public int wakeupFd() {
        return wakeFd;
    }

    /**
     * Ends the current {@link #await}, or the next one if none runs: the wake-up eventfd
     * becomes readable (edge-triggered) until {@link #clearWakeup()}. Any thread; one
     * {@code write}; does nothing once closed.
     */
    public void wakeup() {
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            try {
                long written = (long) WRITE_ANY_THREAD.invokeExact(wakeFd, ONE, 8L);
                assert written == 8 : written;
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        }
    }

    /** Resets the wake-up eventfd, after {@link #await} reported it: one {@code read}. */
    public void clearWakeup() {
        try {
            long read = (long) READ.invokeExact(callState, wakeFd, events, 8L);
            assert read == 8 || errno() == Errno.EAGAIN : read;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Registers {@code fd} for {@code events} ({@code EPOLL*} bits), whether or not it is in
     * the set already: one call when {@code registered} guesses right, two otherwise. If it is
     * probably not in the set, it is added ({@code EPOLL_CTL_ADD}), and its registration
     * modified if it was ({@code EEXIST}); if it probably is, its registration is modified
     * ({@code EPOLL_CTL_MOD}), and it is added if it was not ({@code ENOENT}).
     *
     * @return 0, or the {@code errno} of the failed call ({@code EBADF}: not an open
     *         descriptor; {@code EPERM}: a descriptor epoll cannot watch, such as a regular file)
     */
    public int control(int fd, int events, boolean registered) {
        if (registered) {
            int errno = control(EPOLL_CTL_MOD, fd, events);
            return errno == Errno.ENOENT ? control(EPOLL_CTL_ADD, fd, events) : errno;
        }
        int errno = control(EPOLL_CTL_ADD, fd, events);
        return errno == Errno.EEXIST ? control(EPOLL_CTL_MOD, fd, events) : errno;
    }

    private int control(int op, int fd, int events) {
        control.set(JAVA_INT_UNALIGNED, 0, events);
        control.set(JAVA_INT_UNALIGNED, DATA_OFFSET, fd);
        control.set(JAVA_INT_UNALIGNED, DATA_OFFSET + 4, 0);
        try {
            return (int) EPOLL_CTL.invokeExact(callState, epfd, op, fd, control) == 0 ? 0 : errno();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: no limit, 0: not at all) for events; an
     * interrupted wait ({@code EINTR}) counts as one that found nothing.
     *
     * @return how many events {@link #fd(int)} and {@link #events(int)} now describe
     * @throws IOException if the call fails otherwise
     */
    public int await(int timeoutMillis) throws IOException {
        int count;
        try {
            count = (int) EPOLL_WAIT.invokeExact(callState, epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (count >= 0) {
            return count;
        }
        int errno = errno();
        if (errno == Errno.EINTR) {
            return 0;
        }
        throw failure("epoll_wait", errno);
    }

    /** The file descriptor of event {@code index} of the last {@link #await}. */
    public int fd(int index) {
        return events.get(JAVA_INT_UNALIGNED, index * EVENT_SIZE + DATA_OFFSET);
    }

    /** The {@code EPOLL*} bits of event {@code index} of the last {@link #await}. */
    public int events(int index) {
        return events.get(JAVA_INT_UNALIGNED, index * EVENT_SIZE);
    }

    /** Closes the epoll and wake-up descriptors and frees the native memory. Idempotent. */
    @Override
    public void close() throws IOException {
        int wakeErrno;
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            closed = true;
            wakeErrno = closeFd(wakeFd);
        }
        int errno = closeFd(epfd);
        arena.close();
        if (errno != 0 || wakeErrno != 0) {
            throw failure("close", errno != 0 ? errno : wakeErrno);
        }
    }

    /** Closes {@code fd}; returns 0 or the {@code errno}. */
    private int closeFd(int fd) {
        try {
            return (int) CLOSE.invokeExact(callState, fd) == 0 ? 0 : errno();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private int errno() {
        return Native.errno(callState);
    }

    private static IOException failure(String call, int errno) {
        return new IOException(call + " failed: " + Native.describe(errno) + " (errno " + errno + ")");
    }
}
