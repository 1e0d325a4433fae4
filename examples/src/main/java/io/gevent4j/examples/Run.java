package io.gevent4j.examples;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a seed example by name: {@code ./gevent4j run NAME [ARGS]}. Without a known name, or
 * with an argument the example refuses (a port that is not a number), it says so and exits
 * with status 2.
 */
public final class Run {

    /** An example's {@code main}. */
    @FunctionalInterface
    private interface Main {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Main> EXAMPLES = new TreeMap<>(Map.ofEntries(
            Map.entry("echo", EchoServer::main),
            Map.entry("chat", ChatServer::main),
            Map.entry("portforward", PortForwarder::main),
            Map.entry("udp-echo", UdpEchoServer::main),
            Map.entry("udp-client", UdpClient::main),
            Map.entry("unix-echo", UnixEchoServer::main),
            Map.entry("download", Download::main),
            Map.entry("http-hello", HttpHello::main),
            Map.entry("file-server", FileServer::main),
            Map.entry("https", HttpsHello::main),
            Map.entry("longpoll-chat", LongPollChat::main)));

    private Run() {
    }

    public static void main(String[] args) throws Exception {
        Main example = args.length == 0 ? null : EXAMPLES.get(args[0]);
        if (example == null) {
            System.err.println((args.length == 0 ? "usage: ./gevent4j run NAME [ARGS]" : "unknown example '" + args[0] + "'")
                    + "; the examples: " + String.join(", ", EXAMPLES.keySet()));
            System.exit(2);
        }
        try {
            example.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
