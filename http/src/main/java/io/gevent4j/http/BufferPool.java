package io.gevent4j.http;

import java.util.ArrayDeque;

/**
 * The byte arrays one server's connections read requests into and write responses from,
 * reused between requests so that an idle connection holds none. Arrays of other sizes
 * (grown for an unusually large head) are dropped on release. Hub-thread only, like the
 * server's connections.
 */
final class BufferPool {

    /** The size of a pooled array: a typical request head or a small response fits. */
    static final int SIZE = 16 * 1024;
    private static final int MAX_POOLED = 1024;

    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    byte[] acquire() {
        byte[] a = free.pollLast();
        return a != null ? a : new byte[SIZE];
    }

    void release(byte[] a) {
        if (a.length == SIZE && free.size() < MAX_POOLED) {
            free.addLast(a);
        }
    }
}
