package io.gevent4j;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JDK blocking calls inside a greenlet park only that greenlet: the hub's others run
 * meanwhile, on the same OS thread. Each test records what ran while one greenlet was
 * blocked in a JDK call.
 */
class JdkCooperationTest {

    /** Spawns a greenlet that ticks until {@code done} is set, yielding between ticks. */
    private static Greenlet<Integer> ticker(boolean[] done) {
        return Gevent.spawn(() -> {
            int ticks = 0;
            while (!done[0] && ticks < 1_000_000) {
                ticks++;
                Gevent.sleep(0.001);
            }
            return ticks;
        });
    }

    @Test
    void threadSleepLetsOtherGreenletsRun() {
        run(() -> {
            boolean[] done = {false};
            Greenlet<Integer> ticks = ticker(done);
            Greenlet<Void> sleeper = Gevent.spawn(() -> {
                Thread.sleep(500);
                done[0] = true;
                return null;
            });
            sleeper.get();
            assertTrue(ticks.get() > 1, "the ticker ran while the other greenlet was in Thread.sleep");
        });
    }

    @Test
    void fiftyGreenletsInThreadSleepOverlap() {
        run(() -> {
            List<Greenlet<?>> all = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                all.add(Gevent.spawn(() -> {
                    Thread.sleep(200);
                    return null;
                }));
            }
            Gevent.joinAll(all);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 50 * 200 / 4, "50 sleeps of 200 ms overlapped, took " + ms + " ms");
            assertTrue(all.stream().allMatch(Greenlet::successful));
        });
    }

    @Test
    void aContendedReentrantLockParksOnlyTheWaiter() {
        run(() -> {
            ReentrantLock lock = new ReentrantLock();
            List<String> log = new ArrayList<>();
            Greenlet<Void> holder = Gevent.spawn(() -> {
                lock.lock();
                try {
                    log.add("holder locked");
                    Gevent.sleep(0.05);
                    log.add("holder unlocking");
                } finally {
                    lock.unlock();
                }
            });
            Greenlet<Void> waiter = Gevent.spawn(() -> {
                lock.lock();
                try {
                    log.add("waiter locked");
                } finally {
                    lock.unlock();
                }
            });
            Greenlet<?> other = Gevent.spawn(() -> log.add("other ran"));
            Gevent.joinAll(holder, waiter, other);
            assertEquals(List.of("holder locked", "other ran", "holder unlocking", "waiter locked"), log);
        });
    }

    @Test
    void aBlockingQueueTakeParksOnlyTheConsumer() {
        run(() -> {
            ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
            Greenlet<String> consumer = Gevent.spawn(queue::take);
            Greenlet<Void> producer = Gevent.spawn(() -> {
                Gevent.sleep(0.02);
                queue.put("item");
                return null;
            });
            assertEquals("item", consumer.get());
            producer.get();
        });
    }

    @Test
    void synchronizedWithSleepInsideDoesNotPinTheHub() {
        run(() -> {
            Object monitor = new Object();
            boolean[] done = {false};
            Greenlet<Integer> ticks = ticker(done);
            Greenlet<Void> holder = Gevent.spawn(() -> {
                synchronized (monitor) {
                    Thread.sleep(500);
                }
                done[0] = true;
                return null;
            });
            holder.get();
            assertTrue(ticks.get() > 1, "the ticker ran while the other greenlet slept inside synchronized");
        });
    }

    @Test
    void aJavaNetSocketReadParksOnlyTheReader() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    Thread.sleep(500);
                    OutputStream out = s.getOutputStream();
                    out.write("hello\n".getBytes());
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            run(() -> {
                boolean[] done = {false};
                Greenlet<Integer> ticks = ticker(done);
                Greenlet<String> reader = Gevent.spawn(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[6];
                        int n = in.readNBytes(buf, 0, 6);
                        done[0] = true;
                        return new String(buf, 0, n);
                    }
                });
                assertEquals("hello\n", reader.get());
                assertTrue(ticks.get() > 1, "the ticker ran while the reader was blocked in a socket read");
            });
            peer.join();
        }
    }
}
