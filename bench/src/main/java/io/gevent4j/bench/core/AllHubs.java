package io.gevent4j.bench.core;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The state of the "all hubs" benchmarks ({@code spawnJoinOnHubs}, {@code sleepersOnHubs}): a
 * {@link HubGroup} of one hub per core, started once per trial. The JMH thread only joins the
 * drivers it spawns on the group's hubs, cooperatively on its own hub.
 */
@State(Scope.Thread)
public class AllHubs {

    private HubGroup group;

    @Setup(Level.Trial)
    public void setUp() {
        group = HubGroup.start(Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        group.close();
    }

    /**
     * Splits {@code count} over the hubs (the first hubs take the remainder), runs
     * {@code drive} with its share in a driver greenlet on each hub, and returns once every
     * driver has ended, with what each returned, in hub order.
     */
    <T> List<T> driveEach(int count, IntFunction<T> drive) {
        List<Hub> hubs = group.hubs();
        int n = hubs.size();
        List<Greenlet<T>> drivers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int share = count / n + (i < count % n ? 1 : 0);
            drivers.add(Gevent.spawnOn(hubs.get(i), () -> drive.apply(share)));
        }
        List<T> results = new ArrayList<>(n);
        for (Greenlet<T> driver : drivers) {
            results.add(driver.get());
        }
        return results;
    }
}
