package io.gevent4j.monkey;

import java.lang.reflect.Method;

/**
 * The bytes the current platform thread has allocated, from the JVM's per-thread counter
 * ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}). Reached by
 * reflection: the tests compile inside the module {@code io.gevent4j}, which does not read
 * {@code java.management}, and run on the class path, where it is there. A virtual thread's
 * allocations are not counted (-1), so measure on a platform thread.
 */
final class AllocatedBytes {

    private final Object threads;
    private final Method current;

    private AllocatedBytes(Object threads, Method current) {
        this.threads = threads;
        this.current = current;
    }

    /** The counter, or {@code null} where this JVM has none or has it turned off. */
    static AllocatedBytes counterOrNull() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            if (!type.isInstance(threads)
                    || !(boolean) type.getMethod("isThreadAllocatedMemorySupported").invoke(threads)
                    || !(boolean) type.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads)) {
                return null;
            }
            return new AllocatedBytes(threads, type.getMethod("getCurrentThreadAllocatedBytes"));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** The bytes the current thread allocated so far (the reading itself allocates a few, once). */
    long now() {
        try {
            return (long) current.invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the allocation counter cannot be read", e);
        }
    }
}
