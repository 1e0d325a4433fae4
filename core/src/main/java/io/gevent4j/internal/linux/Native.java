package io.gevent4j.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Calls into Linux's C library through the Foreign Function and Memory API: what gevent4j's
 * own epoll loop and sockets are made of. Internal to gevent4j (the package is not exported).
 *
 * <p><b>Availability.</b> The calls are used only when {@link #available()}: on Linux, on
 * x86-64 or AArch64, with native access enabled for gevent4j's module
 * ({@code --enable-native-access=ALL-UNNAMED} on the class path, {@code =io.gevent4j} on the
 * module path). Without that flag JDK 25 prints a warning at the first call and a later JDK
 * refuses it, so gevent4j never calls without it: it keeps the JDK's selector and channels,
 * and {@link #unavailableReason()} says what is missing.
 *
 * <p><b>errno.</b> Every handle made by {@link #downcall} takes, as its first argument, a
 * call-state segment ({@link #newCallState}) into which the JVM copies {@code errno} right
 * after the call, before anything else on the thread can change it; {@link #errno} reads it.
 * A segment must not be shared by threads that call at once: each hub keeps its own (its
 * greenlets never call at once), another thread allocates one. The handles are thread-safe.
 */
public final class Native {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final String REASON = unavailable();
    private static final MethodHandle STRERROR = REASON != null ? null
            : LINKER.downcallHandle(symbol("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Native() {
    }

    /** Whether gevent4j may call the C library on this JVM; see the class comment. Any thread. */
    public static boolean available() {
        return REASON == null;
    }

    /** Why {@link #available()} is false, naming the flag or platform missing; {@code null} when it is true. */
    public static String unavailableReason() {
        return REASON;
    }

    /** The JVM flag that grants gevent4j native access, for its module or the class path. */
    public static String flag() {
        Module m = Native.class.getModule();
        return "--enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }

    private static String unavailable() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "not Linux (" + os + ")";
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "not x86-64 or AArch64 (" + arch + ")";
        }
        if (!Native.class.getModule().isNativeAccessEnabled()) {
            return "native access is not enabled: run the JVM with " + flag();
        }
        return null;
    }

    /**
     * A handle to the C function {@code name} of {@code descriptor}, capturing {@code errno}:
     * its first argument is a call-state segment, before the function's own.
     *
     * @throws IllegalStateException if not {@link #available()}, or libc lacks the function
     */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        if (REASON != null) {
            throw new IllegalStateException("gevent4j cannot call " + name + ": " + REASON);
        }
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
    }

    /** A call-state segment in {@code arena}, for the downcalls of one thread at a time. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The {@code errno} that the last call given {@code callState} left. */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** The C library's message for {@code errno} ({@code strerror}), e.g. "Connection refused". */
    public static String describe(int errno) {
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * What a downcall handle's {@code invokeExact} threw, as an unchecked exception to throw:
     * the handles throw nothing checked, so this is a {@link RuntimeException} or an {@link Error}.
     */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
