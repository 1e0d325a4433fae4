package io.gevent4j.hub;

import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spin before a hand-off parks: full while waits end within it, halved by each wait that
 * outlasts it, then off but for one probe in {@link AdaptiveSpin#PROBE_INTERVAL} waits.
 */
class AdaptiveSpinTest {

    private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

    /** A condition that is never true, counting how often it is asked. */
    private static final class Never implements BooleanSupplier {
        int asked;

        @Override
        public boolean getAsBoolean() {
            asked++;
            return false;
        }
    }

    @Test
    void aWaitThatEndsWithinTheSpinKeepsTheFullSpin() {
        AdaptiveSpin spin = new AdaptiveSpin();
        assertTrue(spin.spinUntil(() -> true));
        assertEquals(MULTIPROCESSOR ? AdaptiveSpin.MAX_SPIN_NANOS : 0, spin.budgetNanos());
    }

    @Test
    void eachWaitThatOutlastsTheSpinHalvesTheNextUntilNoneIsLeft() {
        if (!MULTIPROCESSOR) {
            return;
        }
        AdaptiveSpin spin = new AdaptiveSpin();
        long expected = AdaptiveSpin.MAX_SPIN_NANOS;
        while (expected > 0) {
            assertFalse(spin.spinUntil(new Never()));
            expected = expected / 2 < AdaptiveSpin.MIN_SPIN_NANOS ? 0 : expected / 2;
            assertEquals(expected, spin.budgetNanos());
        }
    }

    @Test
    void withoutASpinOneWaitInEachProbeIntervalSpinsAndASucceedingProbeRestoresTheSpin() {
        if (!MULTIPROCESSOR) {
            return;
        }
        AdaptiveSpin spin = new AdaptiveSpin();
        while (spin.budgetNanos() > 0) {
            spin.spinUntil(new Never());
        }
        for (int i = 1; i < AdaptiveSpin.PROBE_INTERVAL; i++) {
            Never never = new Never();
            assertFalse(spin.spinUntil(never));
            assertEquals(1, never.asked, "wait " + i + " must ask once and park, not spin");
        }
        Never probe = new Never();
        assertFalse(spin.spinUntil(probe));
        assertTrue(probe.asked > 1, "the probe spins");
        assertEquals(0, spin.budgetNanos(), "a failed probe leaves the spin off");
        for (int i = 1; i < AdaptiveSpin.PROBE_INTERVAL; i++) {
            spin.spinUntil(new Never());
        }
        assertTrue(spin.spinUntil(() -> true));
        assertEquals(AdaptiveSpin.MAX_SPIN_NANOS, spin.budgetNanos(), "a probe that succeeds turns the spin on again");
    }

    @Test
    void aSpinEndsOnceItsConditionHolds() {
        if (!MULTIPROCESSOR) {
            return;
        }
        AdaptiveSpin spin = new AdaptiveSpin();
        int[] asked = {0};
        assertTrue(spin.spinUntil(() -> ++asked[0] == 3));
        assertEquals(3, asked[0]);
    }
}
