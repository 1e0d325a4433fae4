package io.gevent4j;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The thread-safety claims of the Javadoc that {@link CrossHubTest} and
 * {@link CrossHubRacesTest} leave untested, each used from another hub (or a platform
 * thread) under a bounded load.
 */
class CrossHubClaimsTest {

    /**
     * Greenlets of one hub are killed from greenlets of two other hubs, and from a platform
     * thread, each while it waits in gevent4j: every kill lands, as a kill, and a blocking
     * kill returns once its greenlet is dead.
     */
    @Test
    void greenletsAreKilledFromOtherHubsAndThreads() {
        int perKiller = 100;
        try (HubGroup group = HubGroup.start(3)) {
            Hub victims = group.hubs().get(0);
            FreshHub.run(() -> {
                List<Greenlet<Void>> sleepers = new ArrayList<>();
                for (int i = 0; i < 3 * perKiller; i++) {
                    sleepers.add(Gevent.spawnOn(victims, () -> {
                        Gevent.sleep(1_000);
                        return null;
                    }));
                }
                List<Greenlet<Integer>> killers = new ArrayList<>();
                for (int k = 1; k <= 2; k++) {
                    List<Greenlet<Void>> mine = sleepers.subList(k * perKiller, (k + 1) * perKiller);
                    boolean block = k == 1;
                    killers.add(Gevent.spawnOn(group.hubs().get(k), () -> {
                        int dead = 0;
                        for (Greenlet<Void> g : mine) {
                            g.kill(new GreenletExit(), block, FreshHub.LIMIT);
                            dead += g.isDead() ? 1 : 0;
                        }
                        return dead;
                    }));
                }
                for (Greenlet<Void> g : sleepers.subList(0, perKiller)) {
                    g.kill();
                    assertTrue(g.isDead(), "a blocking kill from a platform thread returns once it is dead");
                }
                assertEquals(perKiller, killers.get(0).get(FreshHub.LIMIT), "blocking kills from another hub");
                killers.get(1).get(FreshHub.LIMIT);
                for (Greenlet<Void> g : sleepers) {
                    assertTrue(g.join(FreshHub.LIMIT));
                    assertTrue(g.killed(), "killed, not ended otherwise: " + g);
                }
            });
        }
    }
}
