package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.util.concurrent.RejectedExecutionException;

import static io.gevent4j.FreshHub.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A raw switch to a new greenlet whose thread cannot be made: the greenlet ends failed with
 * that error and, as when a body throws, the error goes to its parent, here the switcher,
 * whose {@code switchTo} throws it instead of waiting for a switch back that cannot come.
 */
class RawSwitchStartFailureTest {

    @Test
    void aSwitchToAGreenletThatGetsNoThreadThrowsItsErrorInTheParent() {
        run(() -> {
            RejectedExecutionException error = new RejectedExecutionException("no thread for this greenlet");
            boolean[] ran = new boolean[1];
            RawGreenlet child = new RawGreenlet(arg -> {
                ran[0] = true;
                return arg;
            }) {
                @Override
                Thread newThread(boolean inherit) {
                    throw error;
                }
            };
            assertSame(error, assertThrows(RejectedExecutionException.class, () -> child.switchTo("go")));
            assertTrue(child.isDead());
            assertFalse(ran[0]);
            assertEquals(0, Hub.current().greenletCount());
        });
    }
}
