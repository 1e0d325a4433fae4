package io.gevent4j.resolver;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a separate JVM by {@link InetAddressProviderTest}: resolves its argument through
 * plain {@link InetAddress} calls on a platform thread, inside a greenlet and on the hub's
 * own platform thread (its main greenlet), and prints what it saw.
 */
public final class ProviderProbe {

    public static void main(String[] args) throws Exception {
        String name = args[0];
        System.out.println("platform " + Arrays.toString(InetAddress.getAllByName(name)));
        AtomicInteger ticks = new AtomicInteger();
        Greenlet<Void> ticker = Gevent.spawn(() -> {
            for (int i = 0; i < 1000; i++) {
                ticks.incrementAndGet();
                Gevent.sleep(0.01);
            }
        });
        Greenlet<String> g = Gevent.spawn(() -> InetAddress.getByName("slow-" + name).getHostAddress());
        System.out.println("greenlet " + g.get() + " ticks " + ticks.get());
        int before = ticks.get();
        String onMain = InetAddress.getByName("slow-main-" + name).getHostAddress();
        System.out.println("main " + onMain + " ticks " + (ticks.get() - before));
        ticker.kill();
        System.out.println("reverse " + InetAddress.getByAddress(new byte[]{10, 0, 0, 5}).getCanonicalHostName());
        try {
            InetAddress.getByName("missing-" + name);
            System.out.println("missing resolved?!");
        } catch (java.net.UnknownHostException e) {
            System.out.println("missing " + e.getMessage());
        }
    }
}
