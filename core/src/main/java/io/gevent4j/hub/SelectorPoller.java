package io.gevent4j.hub;

import java.io.IOException;
import java.nio.channels.Selector;

/**
 * The portable {@link Poller}: the loop sleeps in the JDK {@link Selector} itself, which
 * applies every registration change at each select.
 */
final class SelectorPoller extends Poller {

    SelectorPoller(Selector selector) {
        super(selector);
    }

    @Override
    void pollNow() throws IOException {
        selector.selectNow(onSelected);
    }

    @Override
    void sleep(long timeoutNanos) throws IOException {
        selector.select(onSelected, millis(timeoutNanos));
    }
}
