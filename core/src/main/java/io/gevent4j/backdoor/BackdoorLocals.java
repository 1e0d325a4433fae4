package io.gevent4j.backdoor;

import java.util.Map;

/**
 * How a backdoor session's shell reaches the objects the program passed in: each session
 * declares its named locals as shell variables initialised with {@link #get(String)}. Only
 * the backdoor uses it; a program has no reason to.
 *
 * <p>The names are per session greenlet (a {@link ThreadLocal} of the greenlet's virtual
 * thread), so a session sees exactly the locals of its own server.
 */
public final class BackdoorLocals {

    private static final ThreadLocal<Map<String, Object>> LOCALS = new ThreadLocal<>();

    private BackdoorLocals() {
    }

    /**
     * The object the program named {@code name}, for the session running on this greenlet.
     *
     * @throws IllegalStateException outside a backdoor session, or for a name not passed in
     */
    public static Object get(String name) {
        Map<String, Object> locals = LOCALS.get();
        if (locals == null || !locals.containsKey(name)) {
            throw new IllegalStateException("no backdoor local named " + name + " on this thread");
        }
        return locals.get(name);
    }

    /** Session greenlet: makes {@code locals} what {@link #get} answers on it. */
    static void install(Map<String, Object> locals) {
        LOCALS.set(locals);
    }
}
