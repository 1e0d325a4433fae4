package io.gevent4j.server;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The process's soft limit on open file descriptors (Linux {@code RLIMIT_NOFILE}), read and
 * set through {@code getrlimit}/{@code setrlimit} with the FFM API: lowering it below the
 * descriptors in use makes every new one fail with EMFILE, as a server that ran out of them.
 */
final class FileLimit {

    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT;
    private static final MethodHandle SETRLIMIT;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
        GETRLIMIT = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), signature);
        SETRLIMIT = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), signature);
    }

    private FileLimit() {
    }

    static boolean supported() {
        return System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
    }

    /** The soft limit now. */
    static long soft() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(16);
            check((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, limits), "getrlimit");
            return limits.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Sets the soft limit, keeping the hard one. */
    static void setSoft(long soft) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(16);
            check((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, limits), "getrlimit");
            limits.set(ValueLayout.JAVA_LONG, 0, soft);
            check((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, limits), "setrlimit");
        }
    }

    private static void check(int result, String call) {
        if (result != 0) {
            throw new IllegalStateException(call + " failed");
        }
    }
}
