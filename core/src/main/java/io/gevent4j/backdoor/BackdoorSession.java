package io.gevent4j.backdoor;

import io.gevent4j.Gevent;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import io.gevent4j.queue.SimpleQueue;
import io.gevent4j.socket.StreamSocket;
import io.gevent4j.threadpool.ThreadPool;
import io.gevent4j.threadpool.ThreadResult;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One backdoor connection, run by its own greenlet: the password check, then a
 * read-evaluate-print loop over a {@link JShell} of its own.
 *
 * <p><b>Implementation overview.</b> JShell compiles on the thread that calls it, which
 * takes from milliseconds to a second: every JShell call runs on the hub's threadpool,
 * under the session's lock, while the greenlet waits cooperatively. The greenlet waits on
 * {@code requests}, a queue fed from the pool thread through the hub's thread-safe entry:
 * each snippet's code to run ({@link GreenletExecution.Invocation}), then a marker saying
 * the evaluation is over. When the session ends, every invocation still queued or handed
 * over later is abandoned, so no pool thread waits for a greenlet that is gone; the JShell
 * is closed on the pool once the evaluation in flight has finished.
 */
final class BackdoorSession {

    private static final String PROMPT = "jshell> ";
    private static final String CONTINUE = "   ...> ";
    /** How long a wrong password holds its connection before it is closed: slows guessing. */
    private static final Duration WRONG_PASSWORD_DELAY = Duration.ofSeconds(1);
    /** The longest password line read: a longer one is wrong, so no client can fill memory before it logged in. */
    private static final int MAX_PASSWORD_CHARS = 1024;
    /** What the jshell tool imports at start, and gevent4j's main package. */
    private static final String IMPORTS = "import java.io.*; import java.math.*; import java.net.*; "
            + "import java.nio.file.*; import java.util.*; import java.util.concurrent.*; "
            + "import java.util.function.*; import java.util.regex.*; import java.util.stream.*; "
            + "import io.gevent4j.*;";

    private final StreamSocket socket;
    private final Map<String, Object> locals;
    private final byte[] password;
    private final Duration passwordTimeout;
    private final Hub hub = Hub.current();
    private final SimpleQueue<Object> requests = new SimpleQueue<>();
    private final Object shellLock = new Object();
    private boolean ended;
    private JShell shell;

    BackdoorSession(StreamSocket socket, Map<String, Object> locals, byte[] password, Duration passwordTimeout) {
        this.socket = socket;
        this.locals = locals;
        this.password = password;
        this.passwordTimeout = passwordTimeout;
    }

    /** The session greenlet's body: ends when the client leaves, sends /exit, or the greenlet is killed. */
    void run() {
        BackdoorLocals.install(locals);
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            PrintStream out = new PrintStream(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            if (password != null && !passwordAccepted(in, out)) {
                return;
            }
            out.println("gevent4j backdoor: Java statements and expressions, evaluated in this process by JShell.");
            onPool(() -> {
                shell = JShell.builder()
                        .executionEngine(GreenletExecution.provider(this::hand), Map.of())
                        .build();
                shell.addToClasspath(System.getProperty("java.class.path"));
                return null;
            });
            evaluate(IMPORTS).forEach(out::println);
            declareLocals(out);
            out.println("Locals: " + (locals.isEmpty() ? "none" : String.join(", ", locals.keySet()))
                    + ". /exit ends the session.");
            repl(in, out);
        } catch (IOException e) {
            // the client went away: the session ends
        } finally {
            end();
        }
    }

    /**
     * Asks for the password and reads it within {@code passwordTimeout}, counted over the
     * whole line: a client that sends nothing, or a byte now and then, loses its session.
     */
    private boolean passwordAccepted(BufferedReader in, PrintStream out) throws IOException {
        out.print("Password: ");
        out.flush();
        String line;
        Timeout deadline = Timeout.start(passwordTimeout);
        try {
            line = readPasswordLine(in);
        } catch (Timeout t) {
            if (t != deadline) {
                throw t;
            }
            out.println();
            out.println("no password within " + passwordTimeout.toMillis() + " ms");
            return false;
        } finally {
            deadline.cancel();
        }
        if (line != null && MessageDigest.isEqual(password, line.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        Gevent.sleep(WRONG_PASSWORD_DELAY);
        out.println("wrong password");
        return false;
    }

    /**
     * The first line, without its end ({@code \n} or {@code \r\n}); {@code null} once it
     * passes {@link #MAX_PASSWORD_CHARS}. {@link BufferedReader#readLine()} would buffer a
     * line without end.
     */
    private static String readPasswordLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() == MAX_PASSWORD_CHARS) {
                return null;
            }
            line.append((char) c);
        }
        if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        return line.toString();
    }

    private void declareLocals(PrintStream out) {
        for (Map.Entry<String, Object> local : locals.entrySet()) {
            String type = declarableType(local.getValue());
            String source = type + " " + local.getKey() + " = (" + type + ") "
                    + BackdoorLocals.class.getName() + ".get(\"" + local.getKey() + "\");";
            evaluate(source).forEach(out::println);
        }
    }

    private void repl(BufferedReader in, PrintStream out) throws IOException {
        StringBuilder pending = new StringBuilder();
        while (true) {
            out.print(pending.isEmpty() ? PROMPT : CONTINUE);
            out.flush();
            String line = in.readLine();
            if (line == null) {
                return;
            }
            if (pending.isEmpty() && line.strip().equals("/exit")) {
                out.println("bye");
                return;
            }
            pending.append(line).append('\n');
            String source = pending.toString();
            SourceCodeAnalysis.Completeness completeness = onPool(
                    () -> shell.sourceCodeAnalysis().analyzeCompletion(source).completeness());
            if (!completeness.isComplete() && completeness != SourceCodeAnalysis.Completeness.UNKNOWN) {
                continue;
            }
            pending.setLength(0);
            evaluate(source).forEach(out::println);
        }
    }

    /** Evaluates every snippet of {@code source}; returns what to print for each. */
    private List<String> evaluate(String source) {
        return onPool(() -> {
            List<String> lines = new ArrayList<>();
            String rest = source;
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
                String snippet = info.completeness().isComplete() ? info.source() : rest;
                rest = info.completeness().isComplete() ? info.remaining() : "";
                for (SnippetEvent event : shell.eval(snippet)) {
                    describe(event, lines);
                }
            }
            return lines;
        });
    }

    private void describe(SnippetEvent event, List<String> lines) {
        Snippet snippet = event.snippet();
        if (event.causeSnippet() != null) {
            return;
        }
        if (event.status() == Snippet.Status.REJECTED) {
            shell.diagnostics(snippet).forEach(d -> lines.add("error: " + d.getMessage(Locale.ROOT)));
            return;
        }
        if (event.exception() != null) {
            Throwable t = event.exception();
            String name = t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName();
            lines.add("exception " + name + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            return;
        }
        if (snippet instanceof VarSnippet v && event.value() != null) {
            lines.add(v.name() + " ==> " + event.value());
        }
    }

    /** Runs {@code task} on the hub's threadpool under the shell's lock, serving the greenlet's share meanwhile. */
    private <T> T onPool(Callable<T> task) {
        ThreadPool pool = ThreadPool.of(hub);
        ThreadResult<T> result = pool.spawn(() -> {
            try {
                synchronized (shellLock) {
                    return task.call();
                }
            } finally {
                hand(Done.INSTANCE);
            }
        });
        Object request;
        while ((request = requests.get()) != Done.INSTANCE) {
            ((GreenletExecution.Invocation) request).run();
        }
        return result.get();
    }

    /** Any thread: hands {@code request} to the session greenlet; abandoned once the session ended. */
    private void hand(Object request) {
        hub.loop().runCallbackThreadsafe(() -> {
            if (!ended) {
                requests.put(request);
            } else if (request instanceof GreenletExecution.Invocation call) {
                call.abandon();
            }
        });
    }

    /**
     * Session greenlet: abandons what waits, closes the shell once the evaluation in flight
     * ended (on the pool; inline while the hub closes, when the pool goes away).
     */
    private void end() {
        ended = true;
        Object request;
        while ((request = requests.poll()) != null) {
            if (request instanceof GreenletExecution.Invocation call) {
                call.abandon();
            }
        }
        if (shell != null) {
            JShell closing = shell;
            Runnable close = () -> {
                synchronized (shellLock) {
                    closing.close();
                }
            };
            if (hub.isClosed()) {
                close.run(); // the hub is closing its pool: no evaluation can be in flight for long
            } else {
                ThreadPool.of(hub).spawn(close);
            }
        }
    }

    /** The most specific public class of {@code value} a snippet can name (raw), else {@code Object}. */
    private static String declarableType(Object value) {
        for (Class<?> c = value == null ? Object.class : value.getClass(); c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers()) && c.getCanonicalName() != null && !c.isHidden()
                    && c.getModule().isExported(c.getPackageName())) {
                return c.getCanonicalName();
            }
        }
        return "Object";
    }

    /** The marker that ends the greenlet's wait for one pool call. */
    private enum Done {
        INSTANCE
    }
}
