package io.gevent4j.hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * The thread-safe way into a loop: other threads offer tasks, the loop drains them, and a
 * handshake decides who wakes the loop when it sleeps (in its selector, or parked).
 *
 * <p><b>Protocol.</b> Before it blocks, the loop calls {@link #prepareToSleep()}: it
 * publishes {@code sleeping = 1}, then looks at the queue and stays awake if a task is
 * already there. A producer first enqueues, then reads {@code sleeping} and, if it is 1,
 * claims the wake-up by a CAS to 0. Both sides write before they read, through volatile
 * accesses, so at least one sees the other: the loop never sleeps while a task it did not
 * see waits, and of all producers that race, exactly one wakes it. Checked by the JCStress
 * tests in the {@code stress} module.
 *
 * <p>{@link #offer} and {@link #drainTo} may be called from any thread; the rest belongs
 * to the loop's thread.
 */
final class Inbox {

    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(Inbox.class, "sleeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile int sleeping;

    /**
     * Enqueues {@code task}. Any thread; never blocks.
     *
     * @return true when the caller must wake the loop (it sleeps, and this caller won the wake-up)
     */
    boolean offer(Runnable task) {
        queue.offer(task);
        return sleeping != 0 && SLEEPING.compareAndSet(this, 1, 0);
    }

    /**
     * Announces that the loop is about to block. Loop thread only.
     *
     * @return false if a task is already queued: the loop must not block then
     */
    boolean prepareToSleep() {
        sleeping = 1;
        if (!queue.isEmpty()) {
            sleeping = 0;
            return false;
        }
        return true;
    }

    /** Marks the loop awake after it blocked. Loop thread only. */
    void awake() {
        sleeping = 0;
    }

    /** The next task, or {@code null}. */
    Runnable poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Hands every queued task to {@code executor}. Any thread. */
    void drainTo(Executor executor) {
        Runnable task;
        while ((task = queue.poll()) != null) {
            executor.execute(task);
        }
    }
}
