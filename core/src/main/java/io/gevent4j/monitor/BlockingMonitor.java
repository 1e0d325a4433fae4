package io.gevent4j.monitor;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Notices a hub whose loop has not turned for longer than the maximum blocking time
 * (gevent's {@code monitor_thread}): a greenlet that computes, or calls something that
 * blocks its OS thread (file I/O, a native call, a lock held by another OS thread), stalls
 * every other greenlet of its hub. Watches every hub of the JVM ({@link Hub#all()}).
 *
 * <p>Each episode is reported once, when noticed, as an {@link EventLoopBlocked}: to the
 * {@code io.gevent4j.monitor} {@link System.Logger} at WARNING, to the
 * {@linkplain #addListener listeners}, and as the JFR event {@code io.gevent4j.LoopBlocked}.
 * The main greenlet running alone on a hub that has no other greenlet blocks nobody and is
 * not reported.
 *
 * <p>A daemon platform thread checks every quarter of the maximum (at least every
 * millisecond), so an episode is noticed between 1 and 1.25 times the maximum after it
 * began. The hub's side costs one plain store per task and callback the loop runs; the
 * monitor reads it without locks. Off unless started: {@code -Dgevent4j.monitorThread=true}
 * starts one for the JVM (see {@link Monitoring}), or create your own. Thread-safe.
 *
 * <p><b>Implementation overview.</b> Per hub the monitor keeps the loop's
 * {@linkplain io.gevent4j.hub.Loop#turns() turn counter} as last seen and since when it
 * has not moved. A counter that moved, or a loop that sleeps in its selector, ends the
 * episode; one that stood still longer than the maximum is reported, and then not again
 * until it moves.
 */
public final class BlockingMonitor extends PeriodicMonitor<EventLoopBlocked> {

    private static final Duration MIN_PERIOD = Duration.ofMillis(1);

    private final Duration maxBlockingTime;
    private Map<Hub, Episode> episodes = new IdentityHashMap<>();

    /**
     * A monitor, not yet started, that reports loops blocked longer than {@code maxBlockingTime}.
     *
     * @throws IllegalArgumentException if {@code maxBlockingTime} is not positive
     */
    public BlockingMonitor(Duration maxBlockingTime) {
        super("gevent4j-blocking-monitor", period(maxBlockingTime));
        this.maxBlockingTime = maxBlockingTime;
    }

    private static Duration period(Duration maxBlockingTime) {
        Objects.requireNonNull(maxBlockingTime, "maxBlockingTime");
        if (maxBlockingTime.isNegative() || maxBlockingTime.isZero()) {
            throw new IllegalArgumentException("maxBlockingTime must be positive: " + maxBlockingTime);
        }
        Duration quarter = maxBlockingTime.dividedBy(4);
        return quarter.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : quarter;
    }

    /** The limit past which a loop that has not turned is reported. */
    public Duration maxBlockingTime() {
        return maxBlockingTime;
    }

    @Override
    void check() {
        check(System.nanoTime());
    }

    /** Monitor thread (or a test's logical clock): looks at every hub at time {@code now}. */
    void check(long now) {
        Map<Hub, Episode> seen = new IdentityHashMap<>();
        for (Hub hub : Hub.all()) {
            Episode e = episodes.get(hub);
            if (e == null) {
                e = new Episode();
            }
            long turns = hub.loop().turns();
            if (e.turns != turns || hub.loop().isSleeping()) {
                e.turns = turns;
                e.since = now;
                e.reported = false;
            } else if (!e.reported && now - e.since > maxBlockingTime.toNanos()) {
                e.reported = true;
                report(hub, Duration.ofNanos(now - e.since));
            }
            seen.put(hub, e);
        }
        episodes = seen;
    }

    private void report(Hub hub, Duration blockedFor) {
        RawGreenlet running = hub.runningGreenlet();
        if (running != null && running.isMain() && hub.greenlets().isEmpty()) {
            return;
        }
        String name;
        Thread thread;
        if (running == null) {
            name = "loop callback";
            Thread runner = hub.loopThread();
            thread = runner != null ? runner : hub.carrierThread();
        } else {
            name = running.name();
            thread = running.thread();
            if (thread == null) {
                return; // it ended meanwhile: the loop is turning again
            }
        }
        EventLoopBlocked event = new EventLoopBlocked(hub, name, List.of(thread.getStackTrace()),
                blockedFor, maxBlockingTime);
        LOG.log(Level.WARNING, event::format);
        LoopBlockedEvent.commit(event);
        emit(event);
    }

    /** Monitor thread only: one hub's loop as last seen. */
    private static final class Episode {
        long turns = -1;
        long since;
        boolean reported;
    }
}
