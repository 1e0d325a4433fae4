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

    /** Hub thread: {@code g}'s thread was started. */
    static void started(RawGreenlet g) {
        Started e = new Started();
        if (e.isEnabled()) {
            e.greenlet = g.name();
            e.hub = g.hub.thread().getName();
            e.commit();
        }
    }

    /** Hub thread: {@code g}'s body ended. */
    static void ended(RawGreenlet g) {
        Ended e = new Ended();
        if (e.isEnabled()) {
            e.greenlet = g.name();
            e.hub = g.hub.thread().getName();
            e.commit();
        }
    }

    @Name("io.gevent4j.GreenletStarted")
    @Label("Greenlet Started")
    @Category("gevent4j")
    @Description("A greenlet's thread was started on its hub")
    @Enabled(false)
    @StackTrace(false)
    static final class Started extends Event {
        @Label("Greenlet")
        String greenlet;

        @Label("Hub")
        String hub;
    }

    @Name("io.gevent4j.GreenletEnded")
    @Label("Greenlet Ended")
    @Category("gevent4j")
    @Description("A greenlet's body ended (returned, raised or was killed)")
    @Enabled(false)
    @StackTrace(false)
    static final class Ended extends Event {
        @Label("Greenlet")
        String greenlet;

        @Label("Hub")
        String hub;
    }
}
