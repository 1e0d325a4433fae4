package io.gevent4j.monitor;

import io.gevent4j.hub.Hub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A hub's loop did not turn for longer than the maximum blocking time (gevent's
 * {@code EventLoopBlocked}): one greenlet (or a loop callback, or the main greenlet) ran
 * without switching, so every other greenlet of the hub waited. Reported once per episode,
 * when it is noticed, by {@link BlockingMonitor}. Immutable.
 *
 * @param hub             the hub whose loop was blocked
 * @param greenlet        the name of what ran: a greenlet's name, the main greenlet's
 *                        thread name, or {@code "loop callback"} when no greenlet ran
 * @param stackTrace      where it ran when noticed
 * @param blockedFor      how long the loop had not turned when noticed (at least the maximum)
 * @param maxBlockingTime the monitor's limit
 */
public record EventLoopBlocked(Hub hub, String greenlet, List<StackTraceElement> stackTrace,
                               Duration blockedFor, Duration maxBlockingTime) {

    /** Copies the stack trace; every argument must be non-null. */
    public EventLoopBlocked {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(greenlet, "greenlet");
        stackTrace = List.copyOf(stackTrace);
        Objects.requireNonNull(blockedFor, "blockedFor");
        Objects.requireNonNull(maxBlockingTime, "maxBlockingTime");
    }

    /** The stack trace as text, one {@code at} line per frame. */
    public String formatStackTrace() {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : stackTrace) {
            sb.append("\tat ").append(e).append('\n');
        }
        return sb.toString();
    }

    /** The report as the monitor logs it: what blocked, how long, and where. */
    public String format() {
        return "gevent4j: the loop of " + hub + " has not turned for " + blockedFor.toMillis()
                + " ms (more than " + maxBlockingTime.toMillis() + " ms): " + greenlet
                + " runs without switching\n" + formatStackTrace();
    }
}
