package io.gevent4j.integration;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.Timeout;
import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The experiments behind the table in docs/jdk-calls.md: for each JDK blocking call, does
 * the hub run other greenlets while a greenlet is blocked in it (a ticker greenlet counts
 * 10 ms sleeps during the call), and what does a kill or Timeout (an interrupt) do to it.
 */
class JdkCallsTest {

    /** How many 10 ms ticks another greenlet of the hub made while {@code call} ran in a greenlet. */
    private static int ticksDuring(Callable<?> call) {
        AtomicInteger ticks = new AtomicInteger();
        Greenlet<Void> ticker = Gevent.spawn(() -> {
            for (int i = 0; i < 3000; i++) {
                ticks.incrementAndGet();
                Gevent.sleep(0.01);
            }
        });
        Gevent.sleep(0.02);
        Greenlet<Integer> g = Gevent.spawn(() -> {
            int before = ticks.get();
            call.call();
            return ticks.get() - before;
        });
        int during = g.get();
        ticker.kill();
        return during;
    }

    private static final int COOPERATIVE = 10; // at least this many ticks in 0.5 s
    private static final int BLOCKED = 2;      // at most this many

    @Test
    void threadSleepIsCooperativeAndAKillInterruptsIt() {
        FreshHub.run(() -> {
            assertTrue(ticksDuring(() -> {
                Thread.sleep(500);
                return null;
            }) >= COOPERATIVE);
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException e) {
                    seen.set(e);
                }
            });
            Gevent.sleep(0.05);
            long start = System.nanoTime();
            g.kill();
            assertTrue(FreshHub.secondsSince(start) < 5);
            assertInstanceOf(InterruptedException.class, seen.get(), "the kill reached Thread.sleep as an interrupt");
        });
    }

    @Test
    void socketStreamReadIsCooperativeAndATimeoutClosesTheSocket() {
        FreshHub.run(() -> {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket peer = server.accept()) {
                Gevent.spawn(() -> {
                    Gevent.sleep(0.5);
                    peer.getOutputStream().write(1);
                    return null;
                });
                assertTrue(ticksDuring(() -> client.getInputStream().read()) >= COOPERATIVE);
                Hub.current().setErrorHandler((ctx, t) -> { }); // the greenlet's end by that error is expected
                Throwable thrown = assertThrows(java.util.concurrent.CompletionException.class, () -> Gevent.spawn(() -> {
                    try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
                        return client.getInputStream().read();
                    }
                }).get());
                // the Timeout reaches the JDK call as an interrupt: the JDK's exception, not Timeout, comes out
                SocketException e = assertInstanceOf(SocketException.class, thrown.getCause());
                assertEquals("Closed by interrupt", e.getMessage());
                assertTrue(client.isClosed(), "the interrupt closed the socket");
            }
        });
    }

    @Test
    void blockingSocketChannelIsCooperativeAndAnInterruptClosesIt() {
        FreshHub.run(() -> {
            try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel peer = server.accept()) {
                Gevent.spawn(() -> {
                    Gevent.sleep(0.5);
                    peer.write(ByteBuffer.wrap(new byte[]{1}));
                    return null;
                });
                assertTrue(ticksDuring(() -> client.read(ByteBuffer.allocate(1))) >= COOPERATIVE);
                Hub.current().setErrorHandler((ctx, t) -> { });
                Throwable e = assertThrows(java.util.concurrent.CompletionException.class, () -> Gevent.spawn(() -> {
                    try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
                        return client.read(ByteBuffer.allocate(1));
                    }
                }).get());
                assertInstanceOf(ClosedByInterruptException.class, e.getCause());
                assertFalse(client.isOpen());
            }
        });
    }

    @Test
    void reentrantLockIsCooperativeAndIgnoresAKill() {
        FreshHub.run(() -> {
            ReentrantLock lock = new ReentrantLock();
            Greenlet<Void> holder = Gevent.spawn(() -> {
                lock.lock();
                try {
                    Gevent.sleep(0.6);
                } finally {
                    lock.unlock();
                }
            });
            Gevent.sleep(0.02);
            assertTrue(ticksDuring(() -> {
                lock.lock();
                lock.unlock();
                return null;
            }) >= COOPERATIVE);
            holder.join();
            lock.lock();
            AtomicReference<String> after = new AtomicReference<>("never got the lock");
            Greenlet<Void> waiter = Gevent.spawn(() -> {
                lock.lock(); // ignores the interrupt of the kill
                try {
                    after.set("got the lock");
                } finally {
                    lock.unlock();
                }
            });
            Gevent.sleep(0.05);
            waiter.kill(new io.gevent4j.GreenletExit(), false, null);
            Gevent.sleep(0.2);
            assertFalse(waiter.isDead(), "lock() goes on waiting through the kill");
            lock.unlock();
            waiter.join();
            assertEquals("got the lock", after.get());
        });
    }

    @Test
    void blockingQueueAndFuturesAreCooperative() {
        FreshHub.run(() -> {
            BlockingQueue<String> q = new ArrayBlockingQueue<>(1);
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(500);
                    q.put("item");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(ticksDuring(q::take) >= COOPERATIVE);
            producer.join();
            CompletableFuture<String> f = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                f.complete("done");
            });
            assertTrue(ticksDuring(f::get) >= COOPERATIVE);
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Greenlet<Void> g = Gevent.spawn(() -> {
                try {
                    q.take();
                } catch (InterruptedException e) {
                    seen.set(e);
                }
            });
            Gevent.sleep(0.05);
            g.kill();
            assertInstanceOf(InterruptedException.class, seen.get());
        });
    }

    @Test
    void synchronizedAndObjectWaitAreCooperative() {
        FreshHub.run(() -> {
            Object monitor = new Object();
            Greenlet<Void> holder = Gevent.spawn(() -> {
                synchronized (monitor) {
                    try {
                        Thread.sleep(600); // inside synchronized: does not pin (JEP 491)
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Gevent.sleep(0.02);
            assertTrue(ticksDuring(() -> {
                synchronized (monitor) {
                    return null;
                }
            }) >= COOPERATIVE);
            holder.join();
            Gevent.spawn(() -> {
                Gevent.sleep(0.5);
                synchronized (monitor) {
                    monitor.notifyAll();
                }
            });
            assertTrue(ticksDuring(() -> {
                synchronized (monitor) {
                    monitor.wait(5000);
                }
                return null;
            }) >= COOPERATIVE);
        });
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void fileReadBlocksTheHubAndTheThreadpoolOffloadsIt() throws Exception {
        Path dir = Files.createTempDirectory("gevent4j-fifo");
        Path fifo = dir.resolve("fifo");
        try {
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            FreshHub.run(() -> {
                Thread writer = writeAfter(fifo, 500);
                int blocked = ticksDuring(() -> {
                    try (InputStream in = new FileInputStream(fifo.toFile())) {
                        return in.read();
                    }
                });
                writer.join();
                assertTrue(blocked <= BLOCKED, "a FIFO read in a greenlet froze the hub: " + blocked + " ticks");
                Thread writer2 = writeAfter(fifo, 500);
                int offloaded = ticksDuring(() -> ThreadPool.of(Hub.current()).apply(() -> {
                    try (InputStream in = new FileInputStream(fifo.toFile())) {
                        return in.read();
                    }
                }));
                writer2.join();
                assertTrue(offloaded >= COOPERATIVE, "on the threadpool the hub keeps running: " + offloaded);
            });
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    private static Thread writeAfter(Path fifo, long ms) {
        return Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(ms);
                Files.write(fifo, new byte[]{7});
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void processWaitForIsCooperativeButReadingItsOutputBlocksTheHub() {
        FreshHub.run(() -> {
            assertTrue(ticksDuring(() -> new ProcessBuilder("sleep", "0.5").start().waitFor()) >= COOPERATIVE);
            int reading = ticksDuring(() -> {
                Process p = new ProcessBuilder("sh", "-c", "sleep 0.5; echo hi").start();
                byte[] out = p.getInputStream().readAllBytes();
                p.waitFor();
                return out;
            });
            assertTrue(reading <= BLOCKED, "reading a process pipe froze the hub: " + reading + " ticks");
        });
    }

    @Test
    void selectorSelectIsCooperativeAndAnInterruptWakesIt() {
        FreshHub.run(() -> {
            try (Selector selector = Selector.open()) {
                assertTrue(ticksDuring(() -> selector.select(500)) >= COOPERATIVE);
                AtomicReference<Double> returnedAfter = new AtomicReference<>();
                Greenlet<Object> g = Gevent.spawn(() -> {
                    long start = System.nanoTime();
                    selector.select(10_000);
                    returnedAfter.set(FreshHub.secondsSince(start)); // no exception: the interrupt is a wakeup
                    Gevent.sleep(5); // the kill's GreenletExit is raised here
                    return null;
                });
                Gevent.sleep(0.05);
                g.kill();
                assertTrue(g.killed());
                assertTrue(returnedAfter.get() < 5, "select returned early: " + returnedAfter.get());
            }
        });
    }

    @Test
    void inetAddressLiteralAndHostsLookupsDoNotWait() {
        FreshHub.run(() -> {
            // Only local answers here (no traffic leaves 127.0.0.1): a literal and "localhost".
            assertTrue(InetAddress.getByName("localhost").isLoopbackAddress());
            assertEquals("127.0.0.1", InetAddress.getByName("127.0.0.1").getHostAddress());
        });
    }
}
