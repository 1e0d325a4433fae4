package io.gevent4j.server;

import io.gevent4j.FreshHub;
import io.gevent4j.Gevent;
import io.gevent4j.event.AsyncResult;
import io.gevent4j.hub.HubGroup;
import io.gevent4j.socket.ListeningSocket;
import io.gevent4j.socket.StreamSocket;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A StreamServer's handler gets the peer's address, as gevent's {@code handle(socket,
 * address)} does, even when the peer reset the connection before the handler ran.
 */
class ServerPeerReviewTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Connects, then resets, while the server is held from accepting; returns the client's address. */
    private static InetSocketAddress connectAndReset(SocketAddress server) throws Exception {
        StreamSocket client = StreamSocket.open(server);
        InetSocketAddress local = (InetSocketAddress) client.getLocalAddress();
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close();
        return local;
    }

    private static void handlerGetsTheAddressOfAPeerThatReset(boolean hubGroup) {
        FreshHub.run(() -> {
            AsyncResult<SocketAddress> seen = new AsyncResult<>();
            ListeningSocket listener = ListeningSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketAddress address = listener.getLocalAddress();
            InetSocketAddress client = connectAndReset(address); // waits in the backlog, reset
            Gevent.sleep(0.05);
            StreamServer server = new StreamServer(listener, (socket, peer) -> seen.set(peer));
            try (HubGroup hubs = hubGroup ? HubGroup.start(1) : null) {
                if (hubs != null) {
                    server.hubGroup(hubs);
                }
                server.start();
                try {
                    assertEquals(client, seen.await(BOUND), "the handler's peer address");
                } finally {
                    server.stop();
                }
            }
        });
    }

    @Test
    void theHandlerGetsTheAddressOfAPeerThatResetBeforeTheAccept() {
        handlerGetsTheAddressOfAPeerThatReset(false);
    }

    @Test
    void aHandlerOnAHubGroupGetsTheAddressOfAPeerThatResetBeforeTheAccept() {
        handlerGetsTheAddressOfAPeerThatReset(true);
    }
}
