package io.gevent4j.monitor;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event {@code io.gevent4j.LoopBlocked}: the {@link EventLoopBlocked} report, with
 * the blocked greenlet's stack as text (JFR's own stack trace would be the monitor
 * thread's, so it is off). Committed by the monitor thread, enabled by default.
 */
@Name("io.gevent4j.LoopBlocked")
@Label("Loop Blocked")
@Category("gevent4j")
@Description("A hub's loop did not turn for longer than the maximum blocking time")
@StackTrace(false)
final class LoopBlockedEvent extends jdk.jfr.Event {

    @Label("Hub")
    String hub;

    @Label("Greenlet")
    String greenlet;

    @Label("Blocked For")
    @Timespan(Timespan.NANOSECONDS)
    long blockedFor;

    @Label("Greenlet Stack")
    @Description("Where the greenlet ran when the monitor noticed")
    String greenletStack;

    static void commit(EventLoopBlocked report) {
        LoopBlockedEvent e = new LoopBlockedEvent();
        if (e.isEnabled()) {
            e.hub = report.hub().toString();
            e.greenlet = report.greenlet();
            e.blockedFor = report.blockedFor().toNanos();
            e.greenletStack = report.formatStackTrace();
            e.commit();
        }
    }
}
