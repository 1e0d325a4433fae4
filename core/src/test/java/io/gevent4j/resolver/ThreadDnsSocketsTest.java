package io.gevent4j.resolver;

import io.gevent4j.resolver.DnsTestServer.Answer;
import io.gevent4j.resolver.DnsTestServer.Reply;
import org.junit.jupiter.api.Test;

import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UDP socket that threads without a hub share per name server: sharing, answers routed, idle close, one query's end. */
class ThreadDnsSocketsTest {

    /** Generous for a loaded machine: the server answers in 2 s. */
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static DnsTransport.Question[] aAndAaaa(String name) {
        return new DnsTransport.Question[] {
            new DnsTransport.Question(name, DnsMessage.TYPE_A, true),
            new DnsTransport.Question(name, DnsMessage.TYPE_AAAA, true)
        };
    }

    /**
     * A records of 10.7.0.1 for A queries, "no data" for AAAA, after 2 s (the socket stays
     * open at least that long, plus its idle time, once a query was sent); never an answer to
     * names starting "silent".
     */
    private static DnsTestServer server() throws Exception {
        return new DnsTestServer(q -> q.name().startsWith("silent") ? Reply.none()
                : Reply.both(q.type() == DnsMessage.TYPE_A
                        ? new Answer(q).a(q.name(), 60, "10.7.0.1").bytes() : new Answer(q).bytes()).delayed(2000));
    }

    /** The exchange of {@code name} on a platform thread of its own. */
    private static CompletableFuture<DnsMessage.Response[]> onThread(ThreadDnsSockets sockets, InetSocketAddress server,
                                                                    String name, long deadlineNanos) {
        CompletableFuture<DnsMessage.Response[]> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                result.complete(sockets.exchange(server, aAndAaaa(name), System.nanoTime() + deadlineNanos));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Waits (at most 60 s, for a loaded machine) until {@code condition} holds. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("gevent4j-dns-reader"));
    }

    private static InetSocketAddress addressOf(DnsTestServer dns) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.port());
    }

    @Test
    void threadsShareOneSocketWhileTheirQueriesWaitAndEachGetsItsAnswers() throws Exception {
        try (DnsTestServer dns = server()) {
            ThreadDnsSockets sockets = new ThreadDnsSockets();
            List<CompletableFuture<DnsMessage.Response[]>> lookups = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                lookups.add(onThread(sockets, addressOf(dns), "n" + i + ".test", DEADLINE_NANOS));
            }
            await(() -> dns.queries().size() == 100, "every thread sent its queries");
            assertEquals(1, sockets.openSockets(), "the 100 queries of 50 threads went over one socket");
            for (int i = 0; i < 50; i++) {
                DnsMessage.Response[] answers = lookups.get(i).get(60, TimeUnit.SECONDS);
                assertEquals("n" + i + ".test", answers[0].qname(), "each thread got its own answer");
                assertEquals(DnsMessage.TYPE_A, answers[0].qtype());
                assertEquals(DnsMessage.TYPE_AAAA, answers[1].qtype());
            }
        }
    }

    @Test
    void theSocketAndItsReaderEndOnceIdleAndANewOneServesTheNextLookup() throws Exception {
        try (DnsTestServer dns = server()) {
            ThreadDnsSockets sockets = new ThreadDnsSockets();
            for (int round = 0; round < 2; round++) {
                String name = "round" + round + ".test";
                DnsMessage.Response[] answers = sockets.exchange(addressOf(dns), aAndAaaa(name),
                        System.nanoTime() + DEADLINE_NANOS);
                assertEquals(name, answers[0].qname());
                await(() -> sockets.openSockets() == 0, "closed once idle for " + ThreadDnsSockets.IDLE);
                await(() -> !readerAlive(), "its reader thread ended");
            }
        }
    }

    @Test
    void aTimedOutOrInterruptedExchangeLeavesTheOthersAnswered() throws Exception {
        try (DnsTestServer dns = server()) {
            ThreadDnsSockets sockets = new ThreadDnsSockets();
            CompletableFuture<DnsMessage.Response[]> patient = onThread(sockets, addressOf(dns), "patient.test",
                    DEADLINE_NANOS);
            CompletableFuture<DnsMessage.Response[]> impatient = onThread(sockets, addressOf(dns), "silent.test",
                    Duration.ofMillis(50).toNanos());
            ExecutionException timedOut = assertThrows(ExecutionException.class, () -> impatient.get(60, TimeUnit.SECONDS));
            assertInstanceOf(SocketTimeoutException.class, timedOut.getCause());

            Thread.currentThread().interrupt();
            try {
                assertThrows(InterruptedIOException.class, () -> sockets.exchange(addressOf(dns), aAndAaaa("interrupted.test"),
                        System.nanoTime() + DEADLINE_NANOS));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
            } finally {
                Thread.interrupted();
            }
            assertEquals("patient.test", patient.get(60, TimeUnit.SECONDS)[0].qname(), "the socket served on");
        }
    }
}
