package io.gevent4j.hub;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR events of a greenlet's life, {@code io.gevent4j.GreenletStarted} and
 * {@code io.gevent4j.GreenletEnded}: off unless a recording enables them by name (a busy
 * server spawns greenlets far faster than a recording should take events), and then
 * committed on the hub's thread. While off, each costs a check of a flag.
 */
final class GreenletEvents {

    private GreenletEvents() {
    }

    /** Hub thread: {@code g} was started (queued to run; its thread may be made later). */
    static void started(RawGreenlet g) {
        commit(new Started(), g);
    }

    /** Hub thread: {@code g}'s body ended. */
    static void ended(RawGreenlet g) {
        commit(new Ended(), g);
    }

    private static void commit(GreenletEvent e, RawGreenlet g) {
        if (e.isEnabled()) {
            e.greenlet = g.name();
            e.hub = g.hub.thread().getName();
            e.commit();
        }
    }

    /** What both events record: the greenlet's name and its hub's. */
    @Category("gevent4j")
    @Enabled(false)
    @StackTrace(false)
    abstract static class GreenletEvent extends Event {
        @Label("Greenlet")
        String greenlet;

        @Label("Hub")
        String hub;
    }

    @Name("io.gevent4j.GreenletStarted")
    @Label("Greenlet Started")
    @Description("A greenlet was started on its hub (queued to run)")
    static final class Started extends GreenletEvent {
    }

    @Name("io.gevent4j.GreenletEnded")
    @Label("Greenlet Ended")
    @Description("A greenlet's body ended (returned, raised or was killed)")
    static final class Ended extends GreenletEvent {
    }
}
