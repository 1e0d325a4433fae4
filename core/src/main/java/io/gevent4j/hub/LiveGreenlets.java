package io.gevent4j.hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The greenlets of one hub that have started and not ended, for run info and the blocking
 * monitor: an intrusive doubly linked list through {@link RawGreenlet}, so adding and
 * removing cost a few stores and no allocation.
 *
 * <p>Only the hub's thread adds and removes. {@link #snapshot()} is exact there; on any
 * other thread it is weakly consistent, as a monitoring read may be: links are published
 * with release stores and read with acquire loads, a removed greenlet's forward link is
 * cleared, so a reader racing with a removal may stop early or miss a greenlet, but it
 * never loops and never sees a half-built greenlet.
 */
final class LiveGreenlets {

    private static final VarHandle HEAD;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(LiveGreenlets.class, "head", RawGreenlet.class);
            NEXT = lookup.findVarHandle(RawGreenlet.class, "liveNext", RawGreenlet.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RawGreenlet head;

    /** Hub thread: {@code g} has started. */
    void add(RawGreenlet g) {
        RawGreenlet first = head;
        g.liveNext = first;
        if (first != null) {
            first.livePrev = g;
        }
        HEAD.setRelease(this, g);
    }

    /** Hub thread: {@code g} has ended. */
    void remove(RawGreenlet g) {
        RawGreenlet prev = g.livePrev;
        RawGreenlet next = g.liveNext;
        if (prev == null) {
            HEAD.setRelease(this, next);
        } else {
            NEXT.setRelease(prev, next);
        }
        if (next != null) {
            next.livePrev = prev;
        }
        g.livePrev = null;
        NEXT.setRelease(g, (RawGreenlet) null);
    }

    /** The live greenlets, newest first; any thread (see the class comment). */
    List<RawGreenlet> snapshot() {
        List<RawGreenlet> all = new ArrayList<>();
        for (RawGreenlet g = (RawGreenlet) HEAD.getAcquire(this); g != null; g = (RawGreenlet) NEXT.getAcquire(g)) {
            all.add(g);
        }
        return all;
    }
}
