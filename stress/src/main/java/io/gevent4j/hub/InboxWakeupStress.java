package io.gevent4j.hub;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The loop about to sleep races one producer: the loop must never sleep unless the
 * producer wakes it. r1: the loop decided to sleep; r2: the producer must wake it.
 */
@JCStressTest
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "the loop sleeps and the producer wakes it")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "the loop saw the task and stays awake")
@Outcome(id = "false, true", expect = ACCEPTABLE_INTERESTING,
        desc = "the loop saw the task, the producer woke it anyway: one spurious wake-up")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "lost wake-up: the loop sleeps with a task it did not see")
@State
public class InboxWakeupStress {

    private final Inbox inbox = new Inbox();

    @Actor
    public void loop(ZZ_Result r) {
        r.r1 = inbox.prepareToSleep();
    }

    @Actor
    public void producer(ZZ_Result r) {
        r.r2 = inbox.offer(() -> { });
    }
}
