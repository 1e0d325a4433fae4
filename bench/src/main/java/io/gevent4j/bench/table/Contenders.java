package io.gevent4j.bench.table;

import io.gevent4j.bench.http.HelloApp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers the table measures, as the commands that start them, each in a process of its
 * own. Every JVM gets the same flags (gevent4j's {@code --add-opens}, and what Netty's
 * {@code Unsafe} and JNI use on JDK 25, so that no warning is printed), the benchmarks jar as
 * its class path and otherwise the JVM's defaults, or the same server flags for every Java
 * server when the table is given some; the Python servers run
 * {@code bench/peers/servers.py} on the given interpreter.
 */
final class Contenders {

    /** A server: the implementation name (a column of the table), its command, and whether it is a JVM. */
    record Contender(String impl, List<String> command, boolean jvm) {
    }

    private static final String GEVENT4J_PROVIDER = "io.gevent4j.http.GeventHttpServerProvider";
    private static final List<String> JVM_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");

    private final List<String> java;
    private final List<String> serverFlags;
    private final Path jcmd;
    private final Path python;
    private final Path servers;
    private final Path logging;

    /**
     * @param javaHome  the JDK that runs the Java servers and the load client
     * @param classpath the benchmarks jar
     * @param python    the Python that has gevent and eventlet
     * @param peers     the folder of {@code servers.py}
     * @param logging   a {@code java.util.logging} configuration that turns gevent4j's HTTP access log off
     * @param serverFlags JVM flags given to every Java server (not the load client) after the
     *                  table's own, e.g. a garbage collector's settings; empty for the JVM's defaults
     */
    Contenders(Path javaHome, String classpath, Path python, Path peers, Path logging, List<String> serverFlags) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", classpath));
        this.java = List.copyOf(command);
        this.serverFlags = List.copyOf(serverFlags);
        this.jcmd = javaHome.resolve("bin").resolve("jcmd");
        this.python = python;
        this.servers = peers.resolve("servers.py");
        this.logging = logging;
    }

    /** The command prefix of a JVM with the table's flags and class path: a main class and its arguments follow. */
    List<String> java() {
        return java;
    }

    /** The JDK's {@code jcmd}, which reads a Java server's heap. */
    Path jcmd() {
        return jcmd;
    }

    /** The echo servers: gevent4j on one hub and on one hub per core, Netty, JDK virtual threads, gevent, eventlet. */
    List<Contender> echo() {
        return List.of(
                new Contender("gevent4j", javaMain(List.of(), GeventEchoServer.class), true),
                new Contender("gevent4j-hubs", javaMain(List.of(), GeventEchoServer.class, "hubs"), true),
                new Contender("netty", javaMain(List.of(), NettyServer.class, "echo"), true),
                new Contender("jdk", javaMain(List.of(), JdkEchoServer.class), true),
                python("gevent", "echo"),
                python("eventlet", "echo"));
    }

    /**
     * The HTTP hello servers: the same {@link HelloApp} on gevent4j's provider (one hub, and
     * a {@code HubGroup} of one hub per core as its executor), on robaho's httpserver and on
     * the JDK's own server with a virtual thread per exchange; Netty's HTTP codec; gevent's
     * pywsgi; eventlet's wsgi.
     */
    List<Contender> http() {
        return List.of(
                new Contender("gevent4j", helloApp(GEVENT4J_PROVIDER), true),
                new Contender("gevent4j-hubs", helloApp(GEVENT4J_PROVIDER, "hubs"), true),
                new Contender("netty", javaMain(List.of(), NettyServer.class, "hello"), true),
                new Contender("robaho", helloApp("robaho.net.httpserver.DefaultHttpServerProvider"), true),
                new Contender("jdk", helloApp("sun.net.httpserver.DefaultHttpServerProvider", "virtual"), true),
                python("gevent", "hello"),
                python("eventlet", "hello"));
    }

    private List<String> helloApp(String provider, String... args) {
        return javaMain(List.of("-Dcom.sun.net.httpserver.HttpServerProvider=" + provider,
                "-Djava.util.logging.config.file=" + logging), HelloApp.class, prepend("0", args));
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private List<String> javaMain(List<String> properties, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(java.subList(0, 1));
        command.addAll(properties);
        command.addAll(serverFlags);
        command.addAll(java.subList(1, java.size()));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    private Contender python(String peer, String workload) {
        return new Contender(peer, List.of(python.toString(), servers.toString(), workload, peer), false);
    }
}
