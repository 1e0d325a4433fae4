package io.gevent4j.http;

import java.util.ArrayList;
import java.util.List;

/**
 * A server's contexts, found by the longest path prefix as the JDK's server finds them.
 * Changes from any thread; lookups read an immutable snapshot without locking.
 */
final class Contexts {

    private volatile List<Context> all = List.of();

    /** @throws IllegalArgumentException if {@code path} does not start with "/" or is taken */
    synchronized void add(Context context) {
        String path = context.getPath();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("context path must start with /: " + path);
        }
        for (Context c : all) {
            if (c.getPath().equals(path)) {
                throw new IllegalArgumentException("cannot add context to list: " + path + " is taken");
            }
        }
        List<Context> next = new ArrayList<>(all);
        next.add(context);
        all = List.copyOf(next);
    }

    /** @throws IllegalArgumentException if there is no context at {@code path} */
    synchronized void remove(String path) {
        List<Context> next = new ArrayList<>(all);
        if (!next.removeIf(c -> c.getPath().equals(path))) {
            throw new IllegalArgumentException("no context at " + path);
        }
        all = List.copyOf(next);
    }

    /** @throws IllegalArgumentException if {@code context} is not one of these */
    synchronized void remove(Context context) {
        List<Context> next = new ArrayList<>(all);
        if (!next.remove(context)) {
            throw new IllegalArgumentException("context not in this server: " + context.getPath());
        }
        all = List.copyOf(next);
    }

    /** The context whose path is the longest prefix of {@code path}, or {@code null}. */
    Context find(String path) {
        if (path == null) {
            return null;
        }
        Context best = null;
        for (Context c : all) {
            if (path.startsWith(c.getPath()) && (best == null || c.getPath().length() > best.getPath().length())) {
                best = c;
            }
        }
        return best;
    }
}
