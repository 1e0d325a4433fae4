package io.gevent4j.resolver;

import io.gevent4j.resolver.DnsTestServer.Answer;
import io.gevent4j.resolver.DnsTestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DNS over TCP on a thread without a hub: the answer, the deadline, an interrupt, no descriptor left open. */
class DnsTransportTest {

    /** A records of 10.3.0.1 over TCP; over TCP never an answer to names starting "silent". */
    private static DnsTestServer server() throws IOException {
        return new DnsTestServer(q -> q.name().startsWith("silent") ? Reply.none()
                : Reply.both(new Answer(q).a(q.name(), 60, "10.3.0.1").bytes()));
    }

    private static InetSocketAddress addressOf(DnsTestServer dns) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.port());
    }

    private static DnsTransport.Question a(String name) {
        return new DnsTransport.Question(name, DnsMessage.TYPE_A, false);
    }

    private static long deadlineIn(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    /** Waits (at most 60 s, for a loaded machine) until {@code condition} holds. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void aThreadWithoutAHubGetsItsAnswerOverTcp() throws Exception {
        try (DnsTestServer dns = server()) {
            DnsMessage.Response r = DnsTransport.tcp(addressOf(dns), a("tcp.test"), deadlineIn(Duration.ofSeconds(30)),
                    new Readiness.Blocking());
            assertEquals("tcp.test", r.qname());
            assertArrayEquals(new byte[] {10, 3, 0, 1}, r.answers().getFirst().data());
            assertTrue(dns.queries().getFirst().tcp());
        }
    }

    @Test
    void aSilentServerTimesOutAtTheDeadlineNotBefore() throws Exception {
        try (DnsTestServer dns = server()) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> DnsTransport.tcp(addressOf(dns), a("silent.test"),
                    deadlineIn(Duration.ofMillis(300)), new Readiness.Blocking()));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "not before the deadline");
        }
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet() throws Exception {
        try (DnsTestServer dns = server()) {
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    DnsTransport.tcp(addressOf(dns), a("silent.test"), deadlineIn(Duration.ofSeconds(30)),
                            new Readiness.Blocking());
                    interruptedAfter.completeExceptionally(new AssertionError("answered"));
                } catch (IOException expected) {
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                }
            });
            await(() -> !dns.queries().isEmpty(), "the query reached the server");
            waiter.interrupt();
            assertTrue(interruptedAfter.get(15, TimeUnit.SECONDS),
                    "the wait ended long before its 30 s deadline, the interrupt status set");
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void exchangesLeaveNoDescriptorOpen() throws Exception {
        // the silent server never accepts: its connections wait in the kernel's backlog, holding no descriptor here
        try (DnsTestServer dns = server();
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress silentAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            DnsTransport.tcp(addressOf(dns), a("warm.test"), deadlineIn(Duration.ofSeconds(30)), new Readiness.Blocking());
            long before = openFds();
            for (int i = 0; i < 20; i++) {
                DnsTransport.tcp(addressOf(dns), a("n" + i + ".test"), deadlineIn(Duration.ofSeconds(30)),
                        new Readiness.Blocking());
                assertThrows(SocketTimeoutException.class, () -> DnsTransport.tcp(silentAddress, a("silent.test"),
                        deadlineIn(Duration.ofMillis(20)), new Readiness.Blocking()));
            }
            long after = openFds();
            assertTrue(after <= before + 3, "open file descriptors went from " + before + " to " + after);
        }
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
