package io.gevent4j.hub;

/**
 * A greenlet that runs one {@link Runnable} handed to a {@link HubGroup}: made and started
 * on its hub's thread; an exception that ends it is reported through
 * {@link Hub#handleError}, as a spawned greenlet's is. Hub-thread only.
 */
final class TaskGreenlet extends RawGreenlet {

    private final Runnable task;

    TaskGreenlet(Hub hub, Runnable task) {
        super(hub);
        this.task = task;
    }

    /** Queues the greenlet behind those already ready. */
    void start() {
        startThread(false);
    }

    @Override
    protected Object run(Object arg) {
        task.run();
        return null;
    }

    @Override
    public String toString() {
        return "TaskGreenlet[" + task + "]";
    }
}
