package io.gevent4j.examples;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import io.gevent4j.hub.Hub;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demonstration {@code ./gevent4j demo} runs: cooperative scheduling made visible,
 * 100,000 greenlets that each sleep on one OS thread, with the time and memory they took,
 * then a {@link StreamServer} echoing for 2,000 concurrent clients over 127.0.0.1, then an
 * HTTP server (a JDK {@code HttpServer} program on gevent4j's server) and the echo server on
 * one hub driven at once by 1,000 green clients each ({@link ServersDemo}), all on that same
 * thread (the arguments, both optional, change the greenlet and client counts).
 * Runs on the main thread, which is its hub's main greenlet: while it waits, the hub's
 * carrier thread runs the loop and every greenlet.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        Thread carrier = io.gevent4j.hub.Hub.current().carrierThread();

        System.out.println("1. Two greenlets, switching only where they block (sleep(0)):");
        StringBuilder order = new StringBuilder();
        Greenlet<Void> a = Gevent.spawn(() -> step(order, "1A", "1B"));
        Greenlet<Void> b = Gevent.spawn(() -> step(order, "2A", "2B"));
        Gevent.joinAll(a, b);
        System.out.println("   ran as:" + order);

        System.out.println("2. A Timeout interrupts a slow wait; the greenlet decides what to do:");
        Greenlet<String> slow = Gevent.spawn(() ->
                Gevent.withTimeout(Duration.ofMillis(50), () -> {
                    Gevent.sleep(10.0);
                    return "finished";
                }, "gave up after 50 ms"));
        System.out.println("   result: " + slow.get());

        System.out.printf("3. %,d greenlets, each sleeping 100 ms, all on one OS thread ('%s'):%n",
                count, carrier.getName());
        sleepers(count, "first run, cold JVM (compiling, heap growing)");
        sleepers(count, "second run, warm");

        echo(clients, 100);
        ServersDemo.run(clients / 2, 20);
    }

    /** {@code count} greenlets that each sleep 100 ms: the time they take and the heap they hold. */
    private static void sleepers(int count, String label) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long start = System.nanoTime();
        List<Greenlet<Void>> sleepers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sleepers.add(Gevent.spawn(() -> Gevent.sleep(0.1)));
        }
        long spawned = System.nanoTime();
        Gevent.sleep(0.05);
        long gcStart = System.nanoTime();
        System.gc();
        long heapBlocked = memory.getHeapMemoryUsage().getUsed();
        long measuring = System.nanoTime() - gcStart;
        Gevent.joinAll(sleepers);
        long done = System.nanoTime() - measuring;
        long failed = sleepers.stream().filter(g -> !g.successful()).count();
        System.out.printf("   %s:%n"
                        + "     spawned in %d ms; all done after %d ms, 100 ms of it the sleep itself%n"
                        + "     (the %d ms of a full GC that measured the heap not counted); %d failed%n"
                        + "     %,d bytes of heap per blocked greenlet%n",
                label, (spawned - start) / 1_000_000, (done - start) / 1_000_000, measuring / 1_000_000, failed,
                Math.max(0, heapBlocked - heapBefore) / count);
    }

    /**
     * The echo server as a {@link StreamServer} and {@code clients} green clients at once,
     * each making {@code trips} 64-byte round trips: the requests the server answered, the
     * time, and the OS threads the JVM has (the JDK's own included) while every greenlet runs
     * on the hub's one thread.
     */
    private static void echo(int clients, int trips) {
        // More clients than the kernel's accept backlog (net.core.somaxconn, often 4096) connecting
        // at once lose SYNs and retry a second later: the figures would show TCP's retry timer.
        System.out.printf("4. A StreamServer echoing on 127.0.0.1 and %,d concurrent green clients, %d round trips"
                + " of 64 bytes each:%n", clients, trips);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] served = {0};
        try {
            StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    (connection, address) -> {
                        long bytes = serve(connection);
                        served[0] += bytes;
                    }).backlog(clients).start();
            long start = System.nanoTime();
            List<Greenlet<Void>> talkers = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                talkers.add(Gevent.spawn(() -> talk(server.address(), trips)));
            }
            Gevent.joinAll(talkers);
            double seconds = (System.nanoTime() - start) / 1e9;
            int osThreads = threads.getThreadCount();
            long failed = talkers.stream().filter(g -> !g.successful()).count();
            server.stop();
            System.out.printf("   %,d requests served in %.2f s: %,.0f per second; %d clients failed%n"
                            + "   %d OS threads in the JVM (the JDK's own included); every greenlet ran on '%s'%n",
                    served[0] / 64, seconds, served[0] / 64 / seconds, failed, osThreads,
                    Hub.current().carrierThread().getName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Echoes what {@code connection} sends until it closes; returns the number of bytes. */
    private static long serve(StreamSocket connection) throws IOException {
        long bytes = 0;
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        for (int n; (n = connection.read(buffer.clear())) > 0; ) {
            connection.sendAll(buffer.flip());
            bytes += n;
        }
        return bytes;
    }

    private static void talk(SocketAddress address, int trips) {
        try (StreamSocket socket = StreamSocket.open(address)) {
            ByteBuffer message = ByteBuffer.allocate(64);
            ByteBuffer reply = ByteBuffer.allocate(64);
            for (int i = 0; i < trips; i++) {
                socket.sendAll(message.clear());
                reply.clear();
                while (reply.hasRemaining()) {
                    if (socket.read(reply) < 0) {
                        throw new IOException("server closed the connection");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void step(StringBuilder order, String first, String second) {
        order.append(' ').append(first);
        Gevent.sleep(0);
        order.append(' ').append(second);
    }

}
