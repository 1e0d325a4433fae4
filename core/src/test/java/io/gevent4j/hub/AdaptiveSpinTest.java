package io.gevent4j.hub;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The spin before a hand-off parks: as long as a wake-up costs, at most
 * {@link AdaptiveSpin#MAX_SPIN_NANOS}; halved by each wait that outlasts it, then off but for
 * one probe in {@link AdaptiveSpin#PROBE_INTERVAL} waits; restored by a wait it ends.
 */
class AdaptiveSpinTest {

    /** A condition that is never true, counting how often it is asked. */
    private static final class Never implements BooleanSupplier {
        int asked;

        @Override
        public boolean getAsBoolean() {
            asked++;
            return false;
        }
    }

    private final AdaptiveSpin spin = new AdaptiveSpin();

    @BeforeEach
    void onSeveralCpusOnly() {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "a single CPU never spins");
    }

    @Test
    void aWaitThatEndsWithinTheSpinKeepsTheFullSpin() {
        assertTrue(spin.spinUntil(() -> true));
        assertEquals(AdaptiveSpin.MAX_SPIN_NANOS, spin.nextSpinNanos());
    }

    @Test
    void aSpinAsksAgainAfterItsFirstAnswerAndEndsOnceItsConditionHolds() {
        int[] asked = {0};
        assertTrue(spin.spinUntil(() -> ++asked[0] == 2));
        assertEquals(2, asked[0]);
    }

    @Test
    void eachWaitThatOutlastsTheSpinHalvesTheNextUntilNoneIsLeft() {
        long expected = AdaptiveSpin.MAX_SPIN_NANOS;
        while (expected > 0) {
            assertFalse(spin.spinUntil(new Never()));
            expected = expected / 2 < AdaptiveSpin.MIN_SPIN_NANOS ? 0 : expected / 2;
            assertEquals(expected, spin.nextSpinNanos());
        }
    }

    @Test
    void withoutASpinOneWaitInEachProbeIntervalSpinsAndASucceedingProbeRestoresTheSpin() {
        while (spin.nextSpinNanos() > 0) {
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
        assertEquals(0, spin.nextSpinNanos(), "a failed probe leaves the spin off");
        for (int i = 1; i < AdaptiveSpin.PROBE_INTERVAL; i++) {
            spin.spinUntil(new Never());
        }
        assertTrue(spin.spinUntil(() -> true));
        assertEquals(AdaptiveSpin.MAX_SPIN_NANOS, spin.nextSpinNanos(), "a probe that succeeds turns the spin on again");
    }

    @Test
    void theSpinLastsNoLongerThanTheMedianWakeUpAndARareLongOneBarelyMovesIt() {
        for (int i = 0; i < 40; i++) {
            spin.wokenUp(i % 2 == 0 ? 4_000 : 6_000);
        }
        long settled = spin.nextSpinNanos();
        assertTrue(settled >= 3_000 && settled <= 7_000, "settled at " + settled + " ns");
        spin.wokenUp(10_000_000);
        assertTrue(spin.nextSpinNanos() <= settled + 1_000, "one preempted wake-up moved it to " + spin.nextSpinNanos());
    }

    @Test
    void whereWakeUpsAreCheapItDoesNotSpinAndWhereTheyBecomeDearItSpinsAgain() {
        for (int i = 0; i < 40; i++) {
            spin.wokenUp(300);
        }
        assertEquals(0, spin.nextSpinNanos());
        Never never = new Never();
        assertFalse(spin.spinUntil(never));
        assertEquals(1, never.asked, "asks once and parks");
        for (int i = 0; i < 40; i++) {
            spin.wokenUp(50_000);
        }
        assertEquals(AdaptiveSpin.MAX_SPIN_NANOS, spin.nextSpinNanos(), "at most the longest spin");
    }
}
