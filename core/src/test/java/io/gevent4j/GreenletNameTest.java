package io.gevent4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A greenlet's lazily given name, read from other threads (the monitors do). */
class GreenletNameTest {

    private static final int GREENLETS = 200_000;

    @Test
    void threadsReadingANameAtOnceAllSeeTheSameOne() {
        FreshHub.run(() -> {
            List<Greenlet<Void>> greenlets = new ArrayList<>(GREENLETS);
            for (int i = 0; i < GREENLETS; i++) {
                greenlets.add(new Greenlet<>(() -> { }));
            }
            CyclicBarrier start = new CyclicBarrier(2);
            String[][] seen = new String[2][GREENLETS];
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                String[] mine = seen[r];
                readers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < GREENLETS; i++) {
                        mine[i] = greenlets.get(i).name();
                    }
                }));
            }
            for (Thread t : readers) {
                t.join();
            }
            for (int i = 0; i < GREENLETS; i++) {
                assertEquals(seen[0][i], seen[1][i], "greenlet " + i + " got two names");
                assertEquals(seen[0][i], greenlets.get(i).name(), "greenlet " + i + " changed its name");
            }
        });
    }
}
