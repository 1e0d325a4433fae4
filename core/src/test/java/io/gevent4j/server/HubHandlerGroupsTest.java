package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.socket.ListeningSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gevent4j.server.StreamServerTest.ANY_LOOPBACK_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-off of accepted channels to the hubs of a {@link HubGroup}, when a hub closes under it. */
class HubHandlerGroupsTest {

    /** Far longer than a correct run needs: a hang fails the test instead of stalling it. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    /**
     * The group's only hub is kept busy (a task spins on its thread) while a channel is
     * handed to it, then closes itself without having run the hand-off: the channel is closed
     * unserved at once, not left open until the server stops, and its permit is given back.
     */
    @Test
    void aChannelWhoseHubClosesBeforeTakingItIsClosedAndFreesItsPermit() throws Exception {
        try (HubGroup hubs = HubGroup.start(1)) {
            CountDownLatch spinning = new CountDownLatch(1);
            AtomicBoolean close = new AtomicBoolean();
            hubs.execute(() -> {
                spinning.countDown();
                long deadline = System.nanoTime() + BOUND.toNanos();
                while (!close.get() && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
                Hub.current().close();
            });
            assertTrue(spinning.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            AtomicInteger served = new AtomicInteger();
            HubHandlerGroups.Serve serve = (channel, handlers, ended) -> served.incrementAndGet();
            FreshHub.run(() -> {
                HubHandlerGroups handlers = new HubHandlerGroups(hubs, 1);
                try (ListeningSocket listener = ListeningSocket.bind(ANY_LOOPBACK_PORT);
                        Socket client = new Socket()) {
                    client.connect(listener.getLocalAddress());
                    client.setSoTimeout((int) BOUND.toMillis());
                    handlers.acceptAndHandOff(listener, serve);
                    close.set(true);
                    assertEquals(-1, client.getInputStream().read(), "the connection is closed unserved");
                    try (Socket second = new Socket()) {
                        second.connect(listener.getLocalAddress());
                        assertThrows(IOException.class, () -> handlers.acceptAndHandOff(listener, serve),
                                "the permit is free again, and every hub is closed");
                    }
                }
            });
            assertEquals(0, served.get());
        }
    }
}
