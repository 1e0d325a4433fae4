package io.gevent4j.examples;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demonstration {@code ./gevent4j demo} runs: cooperative scheduling made visible,
 * 100,000 greenlets that each sleep on one OS thread, with the time and memory they took,
 * then an echo server and 1,000 clients talking over 127.0.0.1, all on that same thread.
 * Runs on the main thread, which is its hub's main greenlet: while it waits, the hub's
 * carrier thread runs the loop and every greenlet.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
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

        echo(1_000, 100);
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

    /** An echo server and {@code clients} clients, each making {@code trips} 64-byte round trips. */
    private static void echo(int clients, int trips) {
        System.out.printf("4. An echo server and %,d clients on 127.0.0.1, %d round trips of 64 bytes each:%n",
                clients, trips);
        try (ListeningSocket server = ListeningSocket.bind(new InetSocketAddress("127.0.0.1", 0), clients)) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Greenlet<Void> acceptor = Gevent.spawn(() -> {
                while (true) {
                    StreamSocket connection = server.accept();
                    Gevent.spawn(() -> serve(connection));
                }
            });
            long start = System.nanoTime();
            List<Greenlet<Void>> talkers = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                talkers.add(Gevent.spawn(() -> talk(address, trips)));
            }
            Gevent.joinAll(talkers);
            double seconds = (System.nanoTime() - start) / 1e9;
            long failed = talkers.stream().filter(g -> !g.successful()).count();
            acceptor.kill();
            System.out.printf("   %,d round trips in %.2f s: %,.0f per second, %d clients failed, the same one OS thread%n",
                    (long) clients * trips, seconds, clients * trips / seconds, failed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void serve(StreamSocket connection) {
        try (connection) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (connection.read(buffer.clear()) > 0) {
                connection.sendAll(buffer.flip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void talk(InetSocketAddress address, int trips) {
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
