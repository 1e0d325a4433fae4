package io.gevent4j.hub;

/**
 * Runs its callback on the hub's thread once a child process has exited (libev's
 * {@code ev_child}); if it has exited already, the callback runs in the loop's next pending
 * phase. Created by {@link Loop#child(Process)}; hub-thread only.
 *
 * <p>The exit is learnt from {@link Process#onExit()}, whose completion the JDK's process
 * reaper delivers; the hub never waits for the process itself.
 */
public final class ChildWatcher extends Watcher {

    private final Process process;
    private final Runnable delivery = this::feed;

    ChildWatcher(Loop loop, Process process) {
        super(loop);
        this.process = process;
    }

    /** The process watched. */
    public Process process() {
        return process;
    }

    /** The child's process id (libev's {@code rpid}). */
    public long pid() {
        return process.pid();
    }

    /**
     * The child's exit status (libev's {@code rstatus}): its exit code, or 128 plus the
     * signal number that ended it, as the JDK reports it.
     *
     * @throws IllegalThreadStateException if the child has not exited
     */
    public int exitStatus() {
        return process.exitValue();
    }

    @Override
    void onStart() {
        process.onExit().thenRun(() -> loop.runCallbackThreadsafe(delivery));
    }

    @Override
    public String toString() {
        return "ChildWatcher[pid " + process.pid() + (active ? ", active" : "") + "]";
    }
}
