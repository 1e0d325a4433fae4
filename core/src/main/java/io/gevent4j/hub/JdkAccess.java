package io.gevent4j.hub;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The JDK internals a hub needs, looked up once: the virtual-thread builder that takes a
 * scheduler, the scheduler of a virtual thread, the current carrier thread, whether a thread
 * has inheritable thread-locals (what a thread made on it would inherit), and (for the
 * blocking monitor) the carrier a virtual thread is mounted on.
 *
 * <p>All of them live in {@code java.lang}, so the JVM must run with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} on the class path, or
 * {@code =io.gevent4j} on the module path. Without it the lookup
 * fails once, and every call that needs it throws an {@link IllegalStateException} that
 * names the flag. Thread-safe: immutable after class initialisation.
 */
final class JdkAccess {

    /** The flag this JVM needs: for the module {@code io.gevent4j}, or for the class path. */
    static final String FLAG = "--add-opens java.base/java.lang="
            + (JdkAccess.class.getModule().isNamed() ? JdkAccess.class.getModule().getName() : "ALL-UNNAMED");

    /** The type of the field getters: a virtual thread's field, read as an {@code Object}. */
    private static final MethodType FIELD_OF_THREAD = MethodType.methodType(Object.class, Thread.class);
    private static final Constructor<?> BUILDER;
    private static final MethodHandle SCHEDULER;
    private static final MethodHandle CARRIER;
    private static final MethodHandle CARRIER_OF;
    private static final MethodHandle INHERITABLE;
    private static final RuntimeException FAILURE;

    static {
        Constructor<?> builder = null;
        MethodHandle scheduler = null;
        MethodHandle carrier = null;
        MethodHandle carrierOf = null;
        MethodHandle inheritable = null;
        RuntimeException failure = null;
        try {
            Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = builderClass.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup vt = MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup());
            scheduler = vt.findGetter(virtualThread, "scheduler", Executor.class).asType(FIELD_OF_THREAD);
            carrierOf = vt.findGetter(virtualThread, "carrierThread", Thread.class).asType(FIELD_OF_THREAD);
            MethodHandles.Lookup th = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            carrier = th.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            inheritable = th.findGetter(Thread.class, "inheritableThreadLocals",
                    Class.forName("java.lang.ThreadLocal$ThreadLocalMap")).asType(FIELD_OF_THREAD);
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = new IllegalStateException(
                    "gevent4j runs greenlets as virtual threads scheduled by a hub and needs the JVM flag "
                            + FLAG, e);
        }
        BUILDER = builder;
        SCHEDULER = scheduler;
        CARRIER = carrier;
        CARRIER_OF = carrierOf;
        INHERITABLE = inheritable;
        FAILURE = failure;
    }

    private JdkAccess() {
    }

    /** Throws the one clear error when the JVM flag is missing. */
    static void check() {
        if (FAILURE != null) {
            throw new IllegalStateException(FAILURE.getMessage(), FAILURE.getCause());
        }
    }

    /** A builder of virtual threads whose continuations {@code scheduler} runs. */
    static Thread.Builder.OfVirtual virtualThreadBuilder(Executor scheduler) {
        check();
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual-thread builder for a hub", e);
        }
    }

    /** The scheduler of a virtual thread; {@code null} when the flag is missing. */
    static Executor schedulerOf(Thread virtualThread) {
        return (Executor) field(SCHEDULER, virtualThread);
    }

    /**
     * The carrier {@code virtualThread} is mounted on, {@code null} while it is not
     * running or when the flag is missing. Any thread; the field is volatile in the JDK.
     */
    static Thread carrierOf(Thread virtualThread) {
        return (Thread) field(CARRIER_OF, virtualThread);
    }

    /**
     * Whether the calling thread holds inheritable thread-locals, which a thread made on it
     * inherits (see {@link InheritableThreadLocal}); {@code true} when the flag is missing.
     */
    static boolean hasInheritableThreadLocals() {
        return INHERITABLE == null || field(INHERITABLE, Thread.currentThread()) != null;
    }

    private static Object field(MethodHandle getter, Thread virtualThread) {
        if (getter == null) {
            return null;
        }
        try {
            return (Object) getter.invokeExact(virtualThread);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The OS (platform) thread the caller runs on: itself, or a virtual thread's carrier. */
    static Thread currentCarrierThread() {
        if (CARRIER == null) {
            return Thread.currentThread();
        }
        try {
            return (Thread) CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
