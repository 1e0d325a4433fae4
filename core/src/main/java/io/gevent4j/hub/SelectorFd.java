package io.gevent4j.hub;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.Selector;

/**
 * The epoll file descriptor of a JDK {@link Selector} on Linux ({@code sun.nio.ch.EPollSelectorImpl}'s
 * private {@code epfd}), which {@link EpollPoller} nests in its own epoll. The package
 * {@code sun.nio.ch} is opened to gevent4j from code, through the {@code java.lang} access
 * gevent4j already requires ({@code Module.implAddOpens}), so no further JVM flag is needed.
 * Looked up once; thread-safe.
 */
final class SelectorFd {

    private static final String SELECTOR_CLASS = "sun.nio.ch.EPollSelectorImpl";
    private static final MethodHandle EPFD;
    private static final String FAILURE;

    static {
        MethodHandle epfd = null;
        String failure = null;
        try {
            Class<?> selectorClass = Class.forName(SELECTOR_CLASS);
            MethodHandle addOpens = MethodHandles.privateLookupIn(Module.class, MethodHandles.lookup())
                    .findVirtual(Module.class, "implAddOpens", MethodType.methodType(void.class, String.class, Module.class));
            addOpens.invokeExact(Selector.class.getModule(), selectorClass.getPackageName(), SelectorFd.class.getModule());
            epfd = MethodHandles.privateLookupIn(selectorClass, MethodHandles.lookup())
                    .findGetter(selectorClass, "epfd", int.class)
                    .asType(MethodType.methodType(int.class, Selector.class));
        } catch (Throwable e) {
            failure = "the JDK selector's epoll descriptor cannot be read (" + e + "); needs "
                    + JdkAccess.FLAG + " and the JDK's Linux selector " + SELECTOR_CLASS;
        }
        EPFD = epfd;
        FAILURE = failure;
    }

    private SelectorFd() {
    }

    /** Why {@link #of} cannot read {@code selector}'s descriptor on this JVM, {@code null} if it can. */
    static String unavailableReason(Selector selector) {
        if (FAILURE == null && !selector.getClass().getName().equals(SELECTOR_CLASS)) {
            return "the selector is not the JDK's Linux epoll selector but " + selector.getClass().getName();
        }
        return FAILURE;
    }

    /**
     * The epoll descriptor of {@code selector}.
     *
     * @throws IllegalStateException if {@link #unavailableReason} is not null
     */
    static int of(Selector selector) {
        String reason = unavailableReason(selector);
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        try {
            return (int) EPFD.invokeExact(selector);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the selector's epoll descriptor", e);
        }
    }
}
