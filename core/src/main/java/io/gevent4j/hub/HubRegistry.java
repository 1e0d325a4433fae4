package io.gevent4j.hub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Every hub of the JVM that was created and not closed, for run info and the blocking
 * monitor. Weak: a hub whose owner thread died without closing it does not stay here.
 * Thread-safe; touched once per hub created or closed, and per monitoring read.
 */
final class HubRegistry {

    private static final Set<Hub> HUBS = Collections.newSetFromMap(new WeakHashMap<>());

    private HubRegistry() {
    }

    static void add(Hub hub) {
        synchronized (HUBS) {
            HUBS.add(hub);
        }
    }

    static void remove(Hub hub) {
        synchronized (HUBS) {
            HUBS.remove(hub);
        }
    }

    static List<Hub> snapshot() {
        synchronized (HUBS) {
            List<Hub> all = new ArrayList<>(HUBS.size());
            for (Hub h : HUBS) {
                if (!h.isClosed()) {
                    all.add(h);
                }
            }
            return all;
        }
    }
}
