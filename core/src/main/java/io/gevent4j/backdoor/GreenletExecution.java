package io.gevent4j.backdoor;

import io.gevent4j.GreenletExit;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * JShell's execution engine for a backdoor session: direct execution in this JVM (snippets
 * are loaded parent-first through the application class loader, so they see the program's
 * own classes and objects), with each snippet's code run in the session's greenlet, where
 * gevent4j's blocking calls cooperate and the hub's objects may be used.
 *
 * <p>JShell calls {@link #invoke(Method)} on the thread that evaluates (a threadpool
 * thread): the call is handed to the greenlet through {@code toGreenlet}, and the thread
 * waits for its outcome.
 */
final class GreenletExecution extends DirectExecutionControl {

    private final Consumer<Invocation> toGreenlet;

    private GreenletExecution(Consumer<Invocation> toGreenlet) {
        this.toGreenlet = toGreenlet;
    }

    /** The provider JShell's builder takes; {@code toGreenlet} delivers an invocation to the session. */
    static ExecutionControlProvider provider(Consumer<Invocation> toGreenlet) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "gevent4j-backdoor";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return new GreenletExecution(toGreenlet);
            }
        };
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Invocation call = new Invocation(doitMethod);
        toGreenlet.accept(call);
        try {
            return call.outcome.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** One snippet to run in the session's greenlet: run it there, or abandon it. */
    static final class Invocation {
        private final Method doitMethod;
        private final CompletableFuture<String> outcome = new CompletableFuture<>();

        Invocation(Method doitMethod) {
            this.doitMethod = doitMethod;
        }

        /**
         * Session greenlet: runs the snippet. Its exceptions go back to JShell, which reports
         * them; a kill of the session ({@link GreenletExit}) raised inside it goes on and ends
         * the session.
         */
        void run() {
            try {
                outcome.complete(valueString(doitMethod.invoke(null)));
            } catch (InvocationTargetException e) {
                outcome.completeExceptionally(e);
                if (e.getCause() instanceof GreenletExit exit) {
                    throw exit;
                }
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }

        /** The session ended before the snippet ran. */
        void abandon() {
            outcome.completeExceptionally(new IllegalStateException("the backdoor session ended"));
        }
    }
}
