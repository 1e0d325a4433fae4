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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UDP socket that threads without a hub share per name server: sharing, answers routed,
 * idle close, one query's end, interrupts, the replacement after the socket's quota, forged answers.
 */
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

    /** Answers every query at once: A records of 10.7.0.1 for A, "no data" for AAAA. */
    private static Reply immediate(DnsTestServer.Query q) {
        return Reply.both(q.type() == DnsMessage.TYPE_A ? new Answer(q).a(q.name(), 60, "10.7.0.1").bytes()
                : new Answer(q).bytes());
    }

    @Test
    void anInterruptedThreadNeverClosesTheSocketTheOtherThreadsShare() throws Exception {
        try (DnsTestServer dns = new DnsTestServer(ThreadDnsSocketsTest::immediate)) {
            ThreadDnsSockets sockets = new ThreadDnsSockets();
            InetSocketAddress address = addressOf(dns);
            AtomicBoolean done = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Thread victim = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3000 && System.nanoTime() < end; i++) {
                    try {
                        sockets.exchange(address, aAndAaaa("victim" + i + ".test"), System.nanoTime() + DEADLINE_NANOS);
                    } catch (InterruptedIOException expected) {
                        // the interrupt ended this thread's own wait: what it should do
                    } catch (Throwable e) {
                        wrong.add(e);
                    }
                    Thread.interrupted();
                }
                done.set(true);
            });
            Thread bystander = Thread.ofPlatform().start(() -> {
                for (int i = 0; !done.get(); i++) {
                    try {
                        String name = "bystander" + i + ".test";
                        if (!sockets.exchange(address, aAndAaaa(name), System.nanoTime() + DEADLINE_NANOS)[0].qname()
                                .equals(name)) {
                            wrong.add(new AssertionError("another thread's answer"));
                        }
                    } catch (Throwable e) {
                        wrong.add(e);
                    }
                }
            });
            while (!done.get()) {
                victim.interrupt();
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(10_000, 200_000));
            }
            assertTrue(victim.join(Duration.ofSeconds(60)) && bystander.join(Duration.ofSeconds(60)));
            assertTrue(wrong.isEmpty(), "an interrupt ends only the interrupted thread's wait, never the socket it shares: "
                    + wrong.size() + " exchanges failed, with " + wrong.stream().map(Throwable::toString).distinct().toList());
        }
    }

    @Test
    void queriesBeyondASocketsQuotaGoToAFreshSocketWhileTheFirstStillDeliversItsAnswers() throws Exception {
        try (DnsTestServer dns = new DnsTestServer(q -> q.name().startsWith("held")
                ? immediate(q).delayed(5000) : immediate(q))) {
            ThreadDnsSockets sockets = new ThreadDnsSockets();
            CompletableFuture<DnsMessage.Response[]> held = onThread(sockets, addressOf(dns), "held.test", DEADLINE_NANOS);
            await(() -> dns.queries().size() == 2, "the held queries were sent");
            int exchanges = HubDnsSockets.MAX_QUERIES_PER_SOCKET / 2; // the held exchange took 2 of the quota
            for (int i = 0; i < exchanges; i++) {
                String name = "n" + i + ".test";
                assertEquals(name, sockets.exchange(addressOf(dns), aAndAaaa(name), System.nanoTime() + DEADLINE_NANOS)[0]
                        .qname());
            }
            assertFalse(held.isDone(), "still in flight (the server holds its answers 5 s)");
            assertEquals(2, sockets.openSockets(), "the last exchange went over a fresh socket; the first one waits on");
            assertEquals("held.test", held.get(60, TimeUnit.SECONDS)[0].qname(), "the first socket delivered its answers");
            await(() -> sockets.openSockets() == 0, "both closed once idle");
            await(() -> !readerAlive(), "their readers ended");
        }
    }

    @Test
    void aForgedAnswerIsIgnoredAndALateOneDroppedAndTheSocketClosesAfterASilentServer() throws Exception {
        try (DnsTestServer dns = new DnsTestServer(q -> {
            if (q.name().startsWith("silent")) {
                return Reply.none();
            }
            if (q.name().startsWith("late")) {
                return immediate(q).delayed(1000);
            }
            byte[] forged = new Answer(new DnsTestServer.Query(q.id(), "evil.test", q.type(), false))
                    .a("evil.test", 60, "6.6.6.6").bytes(); // the right id, another question
            return immediate(q).delayed(100).withDecoy(forged, false);
        })) {
            ThreadDnsSockets sockets = new ThreadDnsSockets();
            assertThrows(SocketTimeoutException.class, () -> sockets.exchange(addressOf(dns), aAndAaaa("late.test"),
                    System.nanoTime() + Duration.ofMillis(100).toNanos()));
            DnsMessage.Response[] answers = sockets.exchange(addressOf(dns), aAndAaaa("good.test"),
                    System.nanoTime() + DEADLINE_NANOS);
            assertEquals("good.test", answers[0].qname(), "the forged answer was skipped, the real one taken");
            assertArrayEquals(new byte[] {10, 7, 0, 1}, answers[0].answers().getFirst().data());
            // the late answers to late.test arrive meanwhile: they are no answer to this
            assertThrows(SocketTimeoutException.class, () -> sockets.exchange(addressOf(dns), aAndAaaa("silent.test"),
                    System.nanoTime() + Duration.ofMillis(1500).toNanos()));
            await(() -> sockets.openSockets() == 0, "closed once no query waits");
            await(() -> !readerAlive(), "its reader ended");
        }
    }

    @Test
    void aRefusalFailsEveryQueryInFlightWhoeverLearnsOfIt() throws Exception {
        InetSocketAddress closedPort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
        }
        ThreadDnsSockets sockets = new ThreadDnsSockets();
        // one query each: the reader or the second thread's write learns of the first query's refusal
        List<CompletableFuture<DnsMessage.Response[]>> exchanges = new ArrayList<>();
        for (String name : List.of("first.test", "second.test")) {
            CompletableFuture<DnsMessage.Response[]> result = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    result.complete(sockets.exchange(closedPort,
                            new DnsTransport.Question[] {new DnsTransport.Question(name, DnsMessage.TYPE_A, true)},
                            System.nanoTime() + DEADLINE_NANOS));
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            exchanges.add(result);
        }
        for (CompletableFuture<DnsMessage.Response[]> x : exchanges) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> x.get(15, TimeUnit.SECONDS));
            assertInstanceOf(java.net.PortUnreachableException.class, e.getCause());
        }
        await(() -> sockets.openSockets() == 0, "closed once no query waits");
    }

    @Test
    void aReaderThatCannotStartFailsTheQueriesOnItsSocketAtOnceAndLeavesNothingOpen() throws Exception {
        try (DnsTestServer dns = new DnsTestServer(ThreadDnsSocketsTest::immediate)) {
            InetSocketAddress address = addressOf(dns);
            AtomicInteger starts = new AtomicInteger();
            AtomicReference<ThreadDnsSockets> shared = new AtomicReference<>();
            AtomicReference<CompletableFuture<DnsMessage.Response[]>> meanwhile = new AtomicReference<>();
            shared.set(new ThreadDnsSockets(reader -> {
                if (starts.getAndIncrement() > 0) {
                    Thread.ofPlatform().daemon().name("gevent4j-dns-reader").start(reader);
                    return;
                }
                // before the first reader fails to start, another thread finds its socket and sends its queries
                meanwhile.set(onThread(shared.get(), address, "meanwhile.test", TimeUnit.MINUTES.toNanos(10)));
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (dns.queries().size() < 2 && System.nanoTime() < end) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }));
            ThreadDnsSockets sockets = shared.get();

            Throwable failure = null;
            try {
                sockets.exchange(address, aAndAaaa("first.test"), System.nanoTime() + DEADLINE_NANOS);
            } catch (Throwable e) { // not assertThrows: JUnit rethrows an OutOfMemoryError at once
                failure = e;
            }
            assertInstanceOf(java.io.IOException.class, failure, "the starting thread's lookup fails as I/O does");
            assertInstanceOf(OutOfMemoryError.class, failure.getCause());
            assertEquals(2, dns.queries().size(), "the other thread sent its queries on the socket without a reader");
            ExecutionException other = assertThrows(ExecutionException.class, () -> meanwhile.get().get(60, TimeUnit.SECONDS),
                    "the other thread's queries fail at once, not at their deadline 10 minutes away");
            assertEquals(failure, other.getCause());
            assertEquals(0, sockets.openSockets(), "the socket was closed");

            assertEquals("next.test", sockets.exchange(address, aAndAaaa("next.test"),
                    System.nanoTime() + DEADLINE_NANOS)[0].qname(), "the next lookup gets a fresh socket with a reader");
            await(() -> sockets.openSockets() == 0, "closed once idle");
        }
    }
}
