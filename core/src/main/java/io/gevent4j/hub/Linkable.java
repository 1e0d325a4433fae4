package io.gevent4j.hub;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The waiting layer of a hub (gevent's {@code AbstractLinkable}; what
 * {@code AbstractQueuedSynchronizer} is to {@code java.util.concurrent}): a condition,
 * {@link #ready()}, and one FIFO of links waiting for it, which are raw callbacks
 * ({@link #rawLink}) and greenlets blocked in {@link #awaitNotify(Duration)}. Every
 * synchronizer of a hub (events, results, greenlet join, the queues' getters and
 * putters, pool slots) is a small subclass: it says when it is ready, calls
 * {@link #changed()} when it may have become ready, and blocks with {@code awaitNotify}.
 *
 * <p><b>Notification.</b> {@code changed()} queues at most one notifier on the loop; the
 * notifier runs the links present when it starts, in the order they were added, each once.
 * (Without {@code notifyAll}, a greenlet's {@code changed()} resumes the blocked greenlets
 * at the head of the links at once, as the notifier would, without the notifier's task.)
 * With {@code notifyAll} (an event, a result) it runs all of them; without it (a queue, a
 * pool) it runs them only while {@code ready()} holds, so a link never fires for a state
 * that has passed. A greenlet woken by a notification holds a <em>reservation</em> until it
 * runs, counted by {@link #reserved()}: a subclass whose waiters consume what they wait for
 * subtracts it in {@code ready()}, so a greenlet that did not wait takes only what exceeds
 * the reservations (a number: each woken greenlet takes what is there when it runs), and
 * one notification never wakes two greenlets for one item.
 *
 * <p><b>Threads.</b> Hub-thread only: every method throws {@link IllegalStateException}
 * off the hub it was created on, except {@link #changedFromAnyThread()}. Link callbacks
 * run on the hub's thread from a loop callback and must not block; an exception one
 * throws is reported through {@link Hub#handleError} and the others still run.
 *
 * <p><b>Implementation overview.</b> The links are {@link Runnable}s and the
 * {@link Waiter}s of blocked greenlets, in one FIFO: {@code firstLink}, then
 * {@code moreLinks}, which is made only for a second link (most objects that get links
 * get one: a joiner, a {@code Gevent.wait}). The notifier switches a waiter with {@code TRUE}
 * (counting it in {@code woken}) unless the waiter already has a value: its timeout fired
 * first, and it then just leaves the list. A blocked greenlet always leaves the list in
 * {@code finally}: woken ones (only a notification switches with {@code TRUE}) uncount
 * their reservation, the others remove themselves, and each queues the notifier, so
 * that what it leaves unused (it timed out, was killed, or only looked) reaches the next
 * link; the notifier runs after the greenlet took what it came for, so this never wakes a
 * link for nothing (which is why this one is queued, never done at once). The notifier is the object itself, queued in the loop's ready queue,
 * so a notification allocates nothing.
 */
public abstract class Linkable {

    private final Hub hub;
    private final boolean notifyAll;
    /** The head of the links, {@code null} when there are none (then {@code moreLinks} is empty). */
    private Object firstLink;
    /** The links after the first; made on the second link. */
    private ArrayDeque<Object> moreLinks;
    private boolean notifyQueued;
    private int waiting;
    private int woken;

    /**
     * A linkable of {@code hub}.
     *
     * @param notifyAll whether a notification runs every link present (an event) or only
     *                  while {@link #ready()} holds (a resource that waiters consume)
     */
    protected Linkable(Hub hub, boolean notifyAll) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.notifyAll = notifyAll;
    }

    /** The hub this object belongs to. Any thread. */
    public final Hub hub() {
        return hub;
    }

    /** Whether waiting now would return at once. */
    public abstract boolean ready();

    /** Runs {@code callback} once, from the hub, when the object is ready (soon, if it is now). */
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        hub.checkCurrent(this);
        addLink(callback);
        changed();
    }

    /** Removes a callback added with {@link #rawLink}; returns whether it was there. */
    public boolean unlinkRaw(Runnable callback) {
        hub.checkCurrent(this);
        return removeLink(callback);
    }

    /** Removes the first link that {@code match} accepts; returns whether there was one. Hub-thread only. */
    protected final boolean unlinkFirst(Predicate<Object> match) {
        hub.checkCurrent(this);
        if (firstLink != null && match.test(firstLink)) {
            pollLink();
            return true;
        }
        if (moreLinks != null) {
            for (Iterator<Object> it = moreLinks.iterator(); it.hasNext(); ) {
                if (match.test(it.next())) {
                    it.remove();
                    return true;
                }
            }
        }
        return false;
    }

    /** How many greenlets are blocked in {@link #awaitNotify(Duration)} and not yet notified. */
    public final int waiters() {
        return waiting;
    }

    /** How many greenlets a notification woke that have not run yet: each holds a reservation. */
    public final int reserved() {
        return woken;
    }

    /** How many links (callbacks and blocked greenlets) wait for a notification. */
    protected final int linkCount() {
        return firstLink == null ? 0 : 1 + (moreLinks == null ? 0 : moreLinks.size());
    }

    /**
     * Whether a notification is queued and has not run: a greenlet that would not block
     * now must still wait its turn behind the links it will run (gevent's fairness rule).
     */
    protected final boolean notifying() {
        return notifyQueued;
    }

    /**
     * Notifies the links if the object is ready; call it after every change that may have
     * made the object ready. Does nothing while a notifier is queued. Without
     * {@code notifyAll}, called from a greenlet, it resumes the blocked greenlets at the
     * head of the links itself, while {@code ready()} holds: each joins the ready queue
     * where the notifier would have (a notifier's callbacks run on the loop's thread, so
     * this never makes a greenlet overtake one a running notifier woke); the notifier is
     * queued for what is left.
     */
    protected final void changed() {
        if (firstLink != null && !notifyQueued) { // small enough to inline: most changes find no link
            notifyIfReady();
        }
    }

    private void notifyIfReady() {
        if (!notifyAll && firstLink instanceof Waiter && Thread.currentThread().isVirtual()) {
            while (firstLink instanceof Waiter<?> w && ready()) {
                wake(w);
            }
        }
        notifyLater();
    }

    /** Queues the notifier if the object is ready and links wait, unless it is queued already. */
    private void notifyLater() {
        if (!notifyQueued && firstLink != null && ready()) {
            notifyQueued = true;
            hub.loop().scheduleNotify(this);
        }
    }

    /** {@link #changed()} from any thread: on another thread it is handed to the hub. */
    protected final void changedFromAnyThread() {
        if (hub.isCurrent()) {
            changed();
        } else {
            hub.runThreadsafe(this::changed);
        }
    }

    /**
     * Blocks the current greenlet at the tail of the links until a notification reaches
     * it or {@code timeout} passed ({@code null}: no limit). A kill or {@code Timeout}
     * raised meanwhile is thrown from here and the links stay consistent; a notification
     * that arrived first wins and the exception stays pending for the next wait.
     *
     * @return {@code true} if notified, {@code false} if the timeout passed first
     */
    protected final boolean awaitNotify(Duration timeout) {
        return awaitNotify(timeout, false);
    }

    /**
     * As {@link #awaitNotify(Duration)}; with {@code interruptible} the user's
     * {@link Thread#interrupt()} of the waiting greenlet ends the wait too, returning
     * {@code false} with the interrupt status set (see {@link Waiter#getWithinUntilInterrupted}).
     */
    protected final boolean awaitNotify(Duration timeout, boolean interruptible) {
        hub.checkCurrent(this);
        Waiter<Boolean> waiter = new Waiter<>(hub);
        addLink(waiter);
        waiting++;
        try {
            return interruptible
                    ? waiter.getWithinUntilInterrupted(timeout, Boolean.FALSE)
                    : waiter.getWithin(timeout, Boolean.FALSE);
        } finally {
            if (waiter.value() == Boolean.TRUE) {
                woken--;
            } else if (removeLink(waiter)) {
                waiting--;
            }
            notifyLater();
        }
    }

    private void addLink(Object link) {
        if (firstLink == null) {
            firstLink = link;
        } else {
            if (moreLinks == null) {
                moreLinks = new ArrayDeque<>(2);
            }
            moreLinks.addLast(link);
        }
    }

    /** Removes and returns the head link; there is one. */
    private Object pollLink() {
        Object link = firstLink;
        firstLink = moreLinks == null ? null : moreLinks.pollFirst();
        return link;
    }

    private boolean removeLink(Object link) {
        if (link.equals(firstLink)) {
            pollLink();
            return true;
        }
        return moreLinks != null && moreLinks.removeFirstOccurrence(link);
    }

    /** Removes the head link, the blocked greenlet's {@code waiter}, and resumes it with {@code TRUE} unless its timeout fired first. */
    @SuppressWarnings("unchecked")
    private void wake(Waiter<?> waiter) {
        pollLink();
        waiting--;
        if (!waiter.ready()) {
            woken++;
            ((Waiter<Boolean>) waiter).switchTo(Boolean.TRUE);
        }
    }

    /** The notifier: the loop runs it when {@link #changed()} queued it. */
    void notifyLinks() {
        notifyQueued = false;
        for (int n = linkCount(); n > 0 && firstLink != null && (notifyAll || ready()); n--) {
            Object link = firstLink;
            if (link instanceof Waiter<?> w) {
                wake(w);
            } else {
                pollLink();
                Runnable callback = (Runnable) link;
                try {
                    callback.run();
                } catch (Throwable t) {
                    hub.handleError(callback, t);
                }
            }
        }
        changed();
    }
}
