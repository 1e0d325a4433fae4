package io.gevent4j.monitor;

import io.gevent4j.hub.FdWatcher;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWatcher;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.TimerWatcher;
import io.gevent4j.hub.Watcher;

import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every hub of the JVM is doing, as text (gevent's {@code gevent.util.format_run_info}):
 * per hub, its greenlets as a spawn tree (each under the greenlet that created it, top-level
 * ones under the main greenlet) with names, states and stack traces, then the loop's active
 * watchers.
 *
 * <p>Any thread. The greenlet tree is read without stopping the hubs: a greenlet that
 * starts or ends meanwhile may be missing or out of date. The watchers belong to their
 * hub's thread: the caller's own hub is read directly; the other hubs are all asked at once
 * through their loops and the caller waits for the answers (cooperatively in a greenlet)
 * at most one second in all, so a hub whose loop does not run (blocked, or its main
 * greenlet busy outside gevent4j) is said to be not answering instead of hanging the report.
 */
public final class RunInfo {

    private static final Duration ANSWER_WAIT = Duration.ofSeconds(1);

    private RunInfo() {
    }

    /** Every hub's greenlets and active watchers (see the class comment). */
    public static String format() {
        List<Hub> hubs = Hub.all();
        Map<Hub, CompletableFuture<List<String>>> watchers = new IdentityHashMap<>();
        for (Hub hub : hubs) {
            watchers.put(hub, askForWatchers(hub));
        }
        long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
        StringBuilder out = new StringBuilder();
        for (Hub hub : hubs) {
            formatHub(hub, watchers.get(hub), deadline, out);
        }
        return out.toString();
    }

    private static void formatHub(Hub hub, CompletableFuture<List<String>> watchers, long deadline,
                                  StringBuilder out) {
        out.append(hub).append(" (loop ").append(hub.loop().isSleeping() ? "sleeping" : "running")
                .append(", ").append(hub.loop().turns()).append(" turns)\n");
        Map<RawGreenlet, List<RawGreenlet>> children = spawnTree(hub);
        formatGreenlet(hub.mainGreenlet(), children, "  ", out);
        formatWatchers(watchers, deadline, out);
    }

    /** Each greenlet's children, oldest first; ancestors that ended are kept as inner nodes. */
    private static Map<RawGreenlet, List<RawGreenlet>> spawnTree(Hub hub) {
        Map<RawGreenlet, List<RawGreenlet>> children = new IdentityHashMap<>();
        Set<RawGreenlet> placed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RawGreenlet g : hub.greenlets().reversed()) {
            RawGreenlet node = g;
            while (node != hub.mainGreenlet() && placed.add(node)) {
                RawGreenlet parent = node.spawningGreenlet();
                if (parent == null || parent.hub() != hub) {
                    parent = hub.mainGreenlet();
                }
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(node);
                node = parent;
            }
        }
        return children;
    }

    private static void formatGreenlet(RawGreenlet g, Map<RawGreenlet, List<RawGreenlet>> children,
                                       String indent, StringBuilder out) {
        Thread t = g.thread();
        out.append(indent).append(g);
        if (t != null) {
            out.append(" thread ").append(t.getState());
        }
        out.append('\n');
        if (t != null && t.isAlive()) {
            for (StackTraceElement e : t.getStackTrace()) {
                out.append(indent).append("    at ").append(e).append('\n');
            }
        }
        for (RawGreenlet child : children.getOrDefault(g, List.of())) {
            formatGreenlet(child, children, indent + "  ", out);
        }
    }

    /** The caller's own hub answers at once; another hub answers from its loop. */
    private static CompletableFuture<List<String>> askForWatchers(Hub hub) {
        if (hub.isCurrent()) {
            return CompletableFuture.completedFuture(describeWatchers(hub));
        }
        CompletableFuture<List<String>> answer = new CompletableFuture<>();
        hub.loop().runCallbackThreadsafe(() -> {
            try {
                answer.complete(describeWatchers(hub));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    private static void formatWatchers(CompletableFuture<List<String>> answer, long deadline, StringBuilder out) {
        List<String> watchers;
        try {
            watchers = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            out.append("  active watchers: not listed, the loop did not answer within ").append(ANSWER_WAIT.toMillis())
                    .append(" ms (it is blocked, or its main greenlet runs outside gevent4j)\n");
            return;
        } catch (ExecutionException e) {
            out.append("  active watchers: not listed: ").append(e.getCause()).append('\n');
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.append("  active watchers: not listed: interrupted\n");
            return;
        }
        out.append("  active watchers (").append(watchers.size()).append("):\n");
        for (String w : watchers) {
            out.append("    ").append(w).append('\n');
        }
    }

    /** Hub thread: one line per active watcher. */
    private static List<String> describeWatchers(Hub hub) {
        List<String> lines = new ArrayList<>();
        for (Watcher w : hub.loop().activeWatchers()) {
            lines.add(describe(w) + (w.isRef() ? "" : " (unref)") + (w.isPending() ? " (pending)" : ""));
        }
        return lines;
    }

    private static String describe(Watcher w) {
        return switch (w) {
            case TimerWatcher t -> "timer after " + millis(t.afterNanos())
                    + (t.repeatNanos() > 0 ? ", every " + millis(t.repeatNanos()) : "");
            case IoWatcher io -> "io " + operations(io.ops()) + " on " + io.channel();
            case FdWatcher fd -> "io " + operations(fd.ops()) + " on fd " + fd.fd();
            default -> w.getClass().getSimpleName().replace("Watcher", "").toLowerCase(Locale.ROOT);
        };
    }

    private static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }

    private static String operations(int ops) {
        StringJoiner names = new StringJoiner("+");
        if ((ops & SelectionKey.OP_ACCEPT) != 0) {
            names.add("accept");
        }
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            names.add("connect");
        }
        if ((ops & SelectionKey.OP_READ) != 0) {
            names.add("read");
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            names.add("write");
        }
        return names.toString();
    }
}
