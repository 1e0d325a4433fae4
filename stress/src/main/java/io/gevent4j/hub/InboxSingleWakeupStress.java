package io.gevent4j.hub;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The loop about to sleep races two producers: if it sleeps, exactly one of them wakes it;
 * never both (the selector is woken at most once per sleep), never neither.
 * r1: the loop decided to sleep; r2, r3: each producer must wake it. Three actors: JCStress
 * runs it on machines with at least three CPUs and skips it on smaller ones.
 */
@JCStressTest
@Outcome(id = {"true, true, false", "true, false, true"}, expect = ACCEPTABLE,
        desc = "the loop sleeps and exactly one producer wakes it")
@Outcome(id = "false, false, false", expect = ACCEPTABLE, desc = "the loop saw a task and stays awake")
@Outcome(id = {"false, true, false", "false, false, true"}, expect = ACCEPTABLE_INTERESTING,
        desc = "the loop saw a task, one producer woke it anyway: one spurious wake-up")
@Outcome(id = "true, false, false", expect = FORBIDDEN, desc = "lost wake-up")
@Outcome(id = {"true, true, true", "false, true, true"}, expect = FORBIDDEN, desc = "woken twice for one sleep")
@State
public class InboxSingleWakeupStress {

    private final Inbox inbox = new Inbox();

    @Actor
    public void loop(ZZZ_Result r) {
        r.r1 = inbox.prepareToSleep();
    }

    @Actor
    public void producer1(ZZZ_Result r) {
        r.r2 = inbox.offer(() -> { });
    }

    @Actor
    public void producer2(ZZZ_Result r) {
        r.r3 = inbox.offer(() -> { });
    }
}
