package io.gevent4j.hub;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A greenlet whose virtual thread cannot be made or started (the JVM out of memory, the JDK
 * refusing it): it ends at once, failed with that error, as if its body had thrown it, and
 * the hub goes on. The failure is injected where the greenlet makes its thread
 * ({@link RawGreenlet#newThread}), as a {@link RejectedExecutionException}: JUnit aborts the
 * whole run on an {@link OutOfMemoryError}, even one a test throws.
 */
class GreenletStartFailureTest {

    /** A greenlet that gets no thread, recording how it ended. */
    private static final class Threadless extends RawGreenlet {
        final RejectedExecutionException error = new RejectedExecutionException("no thread for this greenlet");
        boolean ran;
        boolean exited;
        Throwable failure;

        Threadless(Hub hub) {
            super(hub);
        }

        @Override
        Thread newThread(boolean inherit) {
            throw error;
        }

        @Override
        protected Object run(Object arg) {
            ran = true;
            return null;
        }

        @Override
        protected void exit(Object result, Throwable failure) {
            exited = true;
            this.failure = failure;
        }
    }

    @Test
    void aQueuedStartThatGetsNoThreadEndsTheGreenletFailedAndTheLoopGoesOn() {
        run(() -> {
            Hub hub = Hub.current();
            Threadless g = new Threadless(hub);
            g.startThread(false);
            assertEquals(RawGreenlet.STARTING, g.state, "the start is queued: the loop makes the thread");
            boolean[] after = new boolean[1];
            Gevent.spawn(() -> after[0] = true).join();
            assertTrue(after[0], "a greenlet queued behind it ran");
            assertTrue(g.isDead());
            assertTrue(g.exited);
            assertSame(g.error, g.failure, "it ended failed with the error that kept it from starting");
            assertFalse(g.ran);
            assertFalse(hub.greenlets().contains(g), "it is no longer counted as live");
            assertEquals(0, hub.greenletCount());
        });
    }

    @Test
    void aSpawnedGreenletThatGetsNoThreadFailsWithThatErrorItsLinksRunAndItsJoinersWake() {
        run(() -> {
            Hub hub = Hub.current();
            List<Object> reported = new ArrayList<>();
            hub.setErrorHandler((context, error) -> reported.add(error));
            RejectedExecutionException error = new RejectedExecutionException("no thread for this greenlet");
            Greenlet<String> g = new Greenlet<>(() -> "ran") {
                @Override
                Thread newThread(boolean inherit) {
                    throw error;
                }
            };
            List<Greenlet<String>> linked = new ArrayList<>();
            g.link(linked::add);
            Greenlet<Boolean> joiner = Gevent.spawn(() -> g.join(Duration.ofSeconds(60)));
            g.start();
            assertEquals(RawGreenlet.STARTING, ((RawGreenlet) g).state, "queued behind the joiner, which waits for it first");
            assertTrue(joiner.get(), "its joiner woke");
            assertSame(error, g.exception());
            assertEquals(List.of(g), linked, "its link ran");
            assertEquals(List.of(error), reported, "its error is reported once, as a body's would be");
            assertEquals(0, hub.greenletCount());
        });
    }

    @Test
    void aStartThatCannotMakeItsThreadOnTheSpotEndsTheGreenletFailed() {
        run(() -> {
            Hub hub = Hub.current();
            Threadless g = new Threadless(hub);
            g.startThread(true);
            assertTrue(g.isDead());
            assertSame(g.error, g.failure);
            assertFalse(g.ran);
            assertEquals(0, hub.greenletCount());
        });
    }

    @Test
    void switchingToAGreenletThatGetsNoThreadRaisesTheErrorInItsParent() {
        run(() -> {
            Hub hub = Hub.current();
            RejectedExecutionException error = new RejectedExecutionException("no thread for this greenlet");
            RawGreenlet g = new RawGreenlet(arg -> "ran") {
                @Override
                Thread newThread(boolean inherit) {
                    throw error;
                }
            };
            assertSame(error, assertThrows(RejectedExecutionException.class, () -> g.switchTo(null)));
            assertTrue(g.isDead());
            assertEquals(0, hub.greenletCount());
            assertEquals("after", Gevent.spawn(() -> "after").get(), "the hub goes on");
        });
    }
}
