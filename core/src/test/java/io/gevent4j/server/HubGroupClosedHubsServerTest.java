package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubGroup;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link StreamServer} on a {@link HubGroup} whose hubs closed on their own while it serves. */
class HubGroupClosedHubsServerTest {

    /**
     * Every hub of the group closed from inside: a connection accepted then is closed
     * unserved (the client reads the end at once), not left open with nobody to serve it.
     */
    @Test
    void aConnectionAcceptedWhenEveryHubOfTheGroupClosedIsClosedUnserved() {
        try (HubGroup hubs = HubGroup.start(1)) {
            FreshHub.run(() -> {
                Hub.current().setErrorHandler((context, error) -> { });
                StreamServer server = new StreamServer(StreamServerTest.ANY_LOOPBACK_PORT, HubGroupServerTest::hubEcho)
                        .hubGroup(hubs).start();
                Hub only = hubs.hubs().get(0);
                Gevent.spawnOn(only, () -> {
                    Hub.current().close();
                    return null;
                }).join(FreshHub.LIMIT);
                assertTrue(only.isClosed());
                try (LineClient c = new LineClient(server.address())) {
                    assertNull(c.readLine(), "the server closed the connection it could not hand to a hub");
                }
                server.stop();
            });
        }
    }
}
