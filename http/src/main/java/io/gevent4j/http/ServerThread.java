package io.gevent4j.http;

import io.gevent4j.hub.Hub;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The platform thread, with a hub of its own, that serves a server created outside any
 * greenlet: the role of the JDK server's dispatcher thread. It is not a daemon, so an
 * unmodified {@code main} that starts a server and returns keeps the JVM serving. It binds
 * first, then waits for either {@link #begin} (serve until the body returns) or
 * {@link #abandon} (the server was stopped before it started), then closes its hub and ends.
 */
final class ServerThread {

    /** Code that runs on the server's hub and may fail with an exception. */
    @FunctionalInterface
    interface HubTask {
        void run() throws Exception;
    }

    private final CompletableFuture<Hub> bound = new CompletableFuture<>();
    private final CompletableFuture<Runnable> body = new CompletableFuture<>();
    private final Thread thread;

    private ServerThread(String name, HubTask bind) {
        this.thread = Thread.ofPlatform().name(name).daemon(false).unstarted(() -> run(bind));
    }

    /**
     * Starts the thread, runs {@code bind} on its hub and waits for it.
     *
     * @return the thread, once bound
     * @throws Exception what {@code bind} threw
     */
    static ServerThread bind(String name, HubTask bind) throws Exception {
        ServerThread t = new ServerThread(name, bind);
        t.thread.start();
        try {
            t.bound.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        return t;
    }

    Hub hub() {
        return bound.join();
    }

    /** Runs {@code serve} as the thread's main greenlet; the thread ends when it returns. Any thread. */
    void begin(Runnable serve) {
        body.complete(serve);
    }

    /** Runs {@code cleanUp} instead of serving, then ends the thread and waits for it. Any thread. */
    void abandon(Runnable cleanUp) {
        body.complete(cleanUp);
        join();
    }

    /** Waits for the thread to end. */
    void join() {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(HubTask bind) {
        Hub hub = Hub.current();
        try {
            try {
                bind.run();
            } catch (Exception | Error e) {
                bound.completeExceptionally(e);
                return;
            }
            bound.complete(hub);
            body.join().run();
        } finally {
            hub.close();
        }
    }
}
