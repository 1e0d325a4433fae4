package io.gevent4j.hub;

import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * A greenlet that runs one {@link Runnable} handed to a {@link HubGroup}: made and started
 * on its hub's thread; an exception that ends it is reported through
 * {@link Hub#handleError}, as a spawned greenlet's is, except the
 * {@link CancellationException} with which {@link Hub#close()} ends it, which is its
 * normal end then (as {@code GreenletExit} is a spawned greenlet's). A task its hub's close
 * ended before it ran goes to {@code notRun}, which hands it to another hub. Hub-thread only.
 */
final class TaskGreenlet extends RawGreenlet {

    private final Runnable task;
    private final Consumer<Runnable> notRun;
    private CancellationException closing;
    private boolean ran;

    TaskGreenlet(Hub hub, Runnable task, Consumer<Runnable> notRun) {
        super(hub);
        this.task = task;
        this.notRun = notRun;
    }

    /** Queues the greenlet behind those already ready. */
    void start() {
        startThread(false);
    }

    @Override
    protected Object run(Object arg) {
        ran = true;
        task.run();
        return null;
    }

    @Override
    protected void hubClosing() {
        closing = new CancellationException("hub closed: " + hub());
        raiseLater(closing);
    }

    @Override
    protected void exit(Object result, Throwable failure) {
        if (failure != null && failure == closing && !ran) {
            notRun.accept(task);
        } else if (failure != null && failure != closing) {
            hub().handleError(task, failure);
        }
    }

    @Override
    public String toString() {
        return "TaskGreenlet[" + task + "]";
    }
}
