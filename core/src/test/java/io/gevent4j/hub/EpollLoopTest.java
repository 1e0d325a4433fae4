package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.event.Event;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The loop on an epoll of its own: the JDK selector nested in it sees channels registered
 * while the loop slept, another thread's wake-up ends its sleep, closing the loop releases
 * its descriptors, and forcing epoll where it cannot work fails the hub's start clearly.
 */
class EpollLoopTest {

    private static Loop epollLoop() {
        Loop loop = Hub.current().loop();
        assumeTrue(loop.watchesFds(), "the loop polls the JDK's selector");
        return loop;
    }

    private static Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    @Test
    void aChannelRegisteredAfterTheLoopSleptIsSelected() {
        run(() -> {
            Loop loop = epollLoop();
            Pipe p = pipe();
            try (IoWait wait = new IoWait(Hub.current(), p.source(), SelectionKey.OP_READ)) {
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                Gevent.sleep(Duration.ofMillis(20)); // the loop sleeps in its epoll
                long before = System.nanoTime();
                assertTrue(wait.await(Duration.ofSeconds(30)),
                        "the registration made the selector select before the epoll slept again");
                assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(20));
            } finally {
                loop.closeChannel(p.source());
                p.sink().close();
            }
        });
    }

    @Test
    void anotherThreadsWakeUpEndsTheEpollSleep() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try (FdWatcher keepsTheLoopInEpoll = loop.fdWatcher(pair[0], SelectionKey.OP_READ)) {
                keepsTheLoopInEpoll.start(() -> { });
                for (int i = 0; i < 20; i++) {
                    Event done = new Event();
                    Thread other = Thread.ofPlatform().start(() -> {
                        while (!loop.isSleeping()) {
                            Thread.onSpinWait();
                        }
                        loop.runCallbackThreadsafe(done::set);
                    });
                    assertTrue(done.await(Duration.ofSeconds(30)), "woken by the other thread");
                    other.join();
                }
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void aWatchedDescriptorKeepsTheLoopSleepingInItsEpollNotParked() {
        run(() -> {
            Loop loop = epollLoop();
            int[] pair = Fds.socketPair();
            try (FdWatcher watched = loop.fdWatcher(pair[0], SelectionKey.OP_READ)) {
                watched.start(() -> { });
                Thread hubThread = Thread.currentThread();
                Event done = new Event();
                AtomicReference<Thread.State> parked = new AtomicReference<>();
                Thread other = Thread.ofPlatform().start(() -> {
                    while (!loop.isSleeping()) {
                        Thread.onSpinWait();
                    }
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                    while (System.nanoTime() - end < 0 && loop.isSleeping()) {
                        Thread.State state = hubThread.getState();
                        if (state != Thread.State.RUNNABLE) {
                            parked.set(state);
                        }
                    }
                    loop.runCallbackThreadsafe(done::set);
                });
                assertTrue(done.await(Duration.ofSeconds(30)));
                other.join();
                assertNull(parked.get(), "the loop slept in epoll_wait (a native call), never parked");
            } finally {
                Fds.close(pair);
            }
        });
    }

    @Test
    void closingTheLoopReleasesItsEpollAndEventfd() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")));
        long before = epollDescriptors();
        for (int i = 0; i < 20; i++) {
            run(() -> epollLoop());
        }
        assertTrue(epollDescriptors() <= before, "no epoll or eventfd left behind by 20 closed hubs");
    }

    @Test
    void epollForcedWithoutNativeAccessFailsTheHubsStartNamingTheFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Dgevent4j.loop=epoll",
                "-cp", System.getProperty("java.class.path"), JvmFlagTest.SpawnOne.class.getName())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("IllegalStateException") && out.contains("gevent4j.loop is epoll"), out);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
    }

    @Test
    void autoWithoutNativeAccessFallsBackToTheSelector() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PrintsWhetherItWatchesFds.class.getName())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("watchesFds=false", out.strip());
    }

    /** Prints whether its hub's loop watches descriptors; run in a child JVM without native access. */
    public static final class PrintsWhetherItWatchesFds {
        public static void main(String[] args) {
            System.out.println("watchesFds=" + Hub.current().loop().watchesFds());
        }
    }

    private static long epollDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]");
                } catch (IOException e) {
                    return false; // the listing's own descriptor, closed meanwhile
                }
            }).count();
        }
    }
}
