package io.gevent4j.bench.resolver;

import io.gevent4j.Gevent;
import io.gevent4j.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.threadpool.ThreadPool;
import io.gevent4j.resolver.NativeResolver;
import io.gevent4j.resolver.Resolver;
import io.gevent4j.resolver.ThreadResolver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolver lookups per second, native vs threadpool, against a local DNS server (a UDP
 * responder on 127.0.0.1 in this JVM that answers every A query with one address and
 * every other query with "no data"). Both resolvers do A + AAAA per lookup, with every
 * cache off, from {@code concurrency} greenlets on one hub.
 *
 * <p>The threadpool resolver runs the JDK's {@code InetAddress} lookups on the hub's
 * threadpool; to make those reach the local server this JVM routes {@code InetAddress}
 * through gevent4j's resolver provider ({@code -Dgevent4j.dns=native}, set here before
 * the first lookup), whose DNS client then waits in the pool thread. So "threadpool"
 * measures the offload round trip around the same DNS client.
 *
 * <p>Run: {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp bench/target/gevent4j-benchmarks.jar
 * io.gevent4j.bench.resolver.ResolverBench [lookups] [concurrency]}
 */
public final class ResolverBench {

    private ResolverBench() {
    }

    public static void main(String[] args) throws Exception {
        int lookups = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        try (Responder server = new Responder()) {
            Path dir = Files.createTempDirectory("gevent4j-resolver-bench");
            Path conf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
            Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
            System.setProperty("gevent4j.dns", "native");
            System.setProperty(NativeResolver.RESOLV_CONF_PROPERTY, conf.toString());
            System.setProperty(NativeResolver.HOSTS_PROPERTY, hosts.toString());
            System.setProperty(NativeResolver.PORT_PROPERTY, Integer.toString(server.port()));
            Security.setProperty("networkaddress.cache.ttl", "0");
            Security.setProperty("networkaddress.cache.negative.ttl", "0");
            NativeResolver nativeResolver = NativeResolver.builder().resolvConf(conf).hostsFile(hosts)
                    .port(server.port()).cacheSize(0).build();
            System.out.printf(Locale.ROOT, "resolver lookups (A+AAAA, no cache), %d lookups, %d greenlets, local UDP server%n",
                    lookups, concurrency);
            for (int round = 0; round < 3; round++) {
                String label = round < 2 ? "warm-up " + round : "measured";
                double n = run(nativeResolver, lookups, concurrency, "n" + round);
                double t = run(new ThreadResolver(ThreadPool.of(Hub.current())), lookups, concurrency, "t" + round);
                System.out.printf(Locale.ROOT, "%-9s native %,10.0f lookups/s   threadpool(%d threads) %,10.0f lookups/s%n",
                        label, n, ThreadPool.of(Hub.current()).maxSize(), t);
            }
            System.out.printf(Locale.ROOT, "server answered %,d queries%n", server.answered.get());
            Files.delete(conf);
            Files.delete(hosts);
            Files.delete(dir);
        } finally {
            Hub.current().close();
        }
    }

    private static double run(Resolver resolver, int lookups, int concurrency, String prefix) {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Greenlet<Void>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(Gevent.spawn(() -> {
                int i;
                while ((i = next.getAndIncrement()) < lookups) {
                    try {
                        resolver.lookupAll(prefix + "-" + i + ".bench.test");
                    } catch (IOException e) {
                        throw new IllegalStateException("lookup failed", e);
                    }
                }
            }));
        }
        for (Greenlet<Void> g : workers) {
            g.get();
        }
        return lookups / ((System.nanoTime() - start) / 1e9);
    }

    /** A UDP DNS responder on 127.0.0.1: one A record for any A query, "no data" otherwise. */
    private static final class Responder implements AutoCloseable {
        final AtomicInteger answered = new AtomicInteger();
        private final DatagramChannel channel;
        private final Thread thread;

        Responder() throws IOException {
            channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = Thread.ofPlatform().daemon().name("bench-dns").start(this::serve);
        }

        int port() throws IOException {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }

        private void serve() {
            ByteBuffer in = ByteBuffer.allocate(512);
            ByteBuffer out = ByteBuffer.allocate(600);
            while (channel.isOpen()) {
                try {
                    in.clear();
                    SocketAddress from = channel.receive(in);
                    in.flip();
                    out.clear();
                    out.putShort(in.getShort(0)).putShort((short) 0x8180).putShort((short) 1);
                    int qEnd = 12;
                    while (in.get(qEnd) != 0) {
                        qEnd += (in.get(qEnd) & 0xff) + 1;
                    }
                    qEnd += 5;
                    boolean a = in.getShort(qEnd - 4) == 1;
                    out.putShort((short) (a ? 1 : 0)).putShort((short) 0).putShort((short) 0);
                    out.put(in.array(), 12, qEnd - 12);
                    if (a) {
                        out.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60)
                                .putShort((short) 4).put(new byte[]{10, 0, 0, 1});
                    }
                    out.flip();
                    channel.send(out, from);
                    answered.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
            thread.interrupt();
        }
    }
}
