package io.gevent4j.socket;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Loop;
import io.gevent4j.hub.RawGreenlet;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What an idle accepted connection holds of its own: the objects reachable from its socket
 * while a greenlet waits in {@code recv}, short of what the hub shares between its sockets
 * (the hub, its loop and poller, the hub's buffer) and of the waiting greenlet itself. On a
 * loop that watches file descriptors that is the socket, its read wait and the wait's
 * watcher: no JDK channel, selection key, address or buffer.
 */
class IdleFootprintReviewTest {

    /** Classes shared by every socket of a hub, or owned by the greenlet rather than the socket. */
    private static boolean shared(Object o) {
        return o instanceof Hub || o instanceof Loop || o instanceof RawGreenlet || o instanceof RecvBuffer
                || o instanceof Class<?> || o.getClass().getName().equals("io.gevent4j.hub.EpollPoller")
                || o.getClass().getName().equals("io.gevent4j.hub.SelectorPoller");
    }

    /** The objects reachable from {@code root} through instance fields, short of shared ones; JDK objects are listed, not entered. */
    private static List<Object> own(Object root) throws IllegalAccessException {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> found = new ArrayList<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            if (!seen.add(o) || shared(o)) {
                continue;
            }
            found.add(o);
            if (!o.getClass().getName().startsWith("io.gevent4j.")) {
                continue;
            }
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    f.setAccessible(true);
                    Object v = f.get(o);
                    if (v != null) {
                        todo.add(v);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void anIdleAcceptedConnectionHoldsItsSocketItsWaitAndOneWatcher() {
        FreshHub.run(() -> {
            try (ListeningSocket server = Net.listen(); StreamSocket client = StreamSocket.open(Net.addressOf(server))) {
                StreamSocket conn = server.accept();
                Greenlet<byte[]> idle = Gevent.spawn(() -> conn.recv(4096));
                Gevent.sleep(0.05); // parked in recv
                List<String> classes = new ArrayList<>();
                for (Object o : own(conn)) {
                    classes.add(o.getClass().getSimpleName());
                }
                Collections.sort(classes);
                List<String> expected = Hub.current().loop().watchesFds()
                        ? List.of("FdWatcher", "IoWait", "StreamSocket")
                        : List.of("IoWait", "IoWatcher", "SelectionKeyImpl", "SocketChannelImpl", "StreamSocket");
                assertEquals(expected, classes);
                client.sendAll(new byte[] {1});
                assertEquals(1, idle.get().length);
                conn.close();
            }
        });
    }
}
