package io.gevent4j.resolver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A DNS server for tests on 127.0.0.1, UDP and TCP on the same port, whose answers each
 * test crafts with a {@link Function} from the query to a {@link Reply}. Runs on its own
 * platform threads; records every query it receives.
 */
final class DnsTestServer implements AutoCloseable {

    /** A query received; {@code edns}: it carried an OPT record (its additional section is not empty). */
    record Query(int id, String name, int type, boolean tcp, boolean edns) {
        Query(int id, String name, int type, boolean tcp) {
            this(id, name, type, tcp, false);
        }
    }

    /**
     * What to send back: {@code udp}/{@code tcp} bytes (null: never answer), after
     * {@code delayMs}; over UDP, {@code decoy} (if not null) first and at once, from the
     * server's port or, with {@code decoyFromOtherPort}, from another one.
     */
    record Reply(byte[] decoy, boolean decoyFromOtherPort, byte[] udp, byte[] tcp, long delayMs) {
        Reply(byte[] udp, byte[] tcp, long delayMs) {
            this(null, false, udp, tcp, delayMs);
        }

        static Reply none() {
            return new Reply(null, null, 0);
        }

        static Reply both(byte[] message) {
            return new Reply(message, message, 0);
        }

        Reply delayed(long ms) {
            return new Reply(decoy, decoyFromOtherPort, udp, tcp, ms);
        }

        Reply withDecoy(byte[] datagram, boolean fromOtherPort) {
            return new Reply(datagram, fromOtherPort, udp, tcp, delayMs);
        }
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Function<Query, Reply> handler;
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService delayed = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "dns-test-delay");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    DnsTestServer(Function<Query, Reply> handler) throws IOException {
        this.handler = handler;
        // TCP first: on a busy machine most TCP ports are taken (connections, TIME_WAIT), few UDP ones
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int i = 0; i < 20 && u == null; i++) {
            t = new ServerSocket();
            t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), t.getLocalPort()));
            } catch (IOException e) {
                t.close();
            }
        }
        if (u == null) {
            throw new IOException("no port free for both UDP and TCP");
        }
        u.setReceiveBufferSize(1 << 22); // bursts of thousands of queries (the kernel may cap it)
        this.udp = u;
        this.tcp = t;
        Thread ut = new Thread(this::serveUdp, "dns-test-udp");
        ut.setDaemon(true);
        ut.start();
        Thread tt = new Thread(this::serveTcp, "dns-test-tcp");
        tt.setDaemon(true);
        tt.start();
    }

    int port() {
        return udp.getLocalPort();
    }

    List<Query> queries() {
        return Collections.unmodifiableList(new ArrayList<>(queries));
    }

    /** A resolver pointed at this server through files written to {@code dir}. */
    NativeResolver.Builder resolver(Path dir, String resolvConfExtra, String hosts) throws IOException {
        Path conf = dir.resolve("resolv.conf");
        Files.writeString(conf, "nameserver 127.0.0.1\n" + resolvConfExtra);
        Path hostsFile = dir.resolve("hosts");
        Files.writeString(hostsFile, hosts);
        return NativeResolver.builder().resolvConf(conf).hostsFile(hostsFile).port(port());
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return;
            }
            Query q = parse(p.getData(), p.getLength(), false);
            queries.add(q);
            Reply r = handler.apply(q);
            InetSocketAddress to = (InetSocketAddress) p.getSocketAddress();
            if (r.decoy() != null) {
                DatagramPacket decoy = new DatagramPacket(r.decoy(), r.decoy().length, to);
                try {
                    if (r.decoyFromOtherPort()) {
                        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                            other.send(decoy);
                        }
                    } else {
                        udp.send(decoy);
                    }
                } catch (IOException e) {
                    return;
                }
            }
            if (r.udp() == null) {
                continue;
            }
            Runnable send = () -> {
                try {
                    udp.send(new DatagramPacket(r.udp(), r.udp().length, to));
                } catch (IOException ignored) {
                    // the test ended
                }
            };
            if (r.delayMs() > 0) {
                delayed.schedule(send, r.delayMs(), TimeUnit.MILLISECONDS);
            } else {
                send.run();
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> {
                try (s; DataInputStream in = new DataInputStream(s.getInputStream());
                     DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
                    byte[] msg = new byte[in.readUnsignedShort()];
                    in.readFully(msg);
                    Query q = parse(msg, msg.length, true);
                    queries.add(q);
                    Reply r = handler.apply(q);
                    if (r.tcp() == null) {
                        Thread.sleep(30_000);
                        return;
                    }
                    out.writeShort(r.tcp().length);
                    out.write(r.tcp());
                    out.flush();
                } catch (IOException | InterruptedException ignored) {
                    // the client went away
                }
            }, "dns-test-tcp-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private static Query parse(byte[] b, int len, boolean tcp) {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        int id = bb.getShort() & 0xffff;
        boolean edns = bb.getShort(10) != 0;
        bb.position(12);
        StringBuilder name = new StringBuilder();
        int l;
        while ((l = bb.get() & 0xff) != 0) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            byte[] label = new byte[l];
            bb.get(label);
            name.append(new String(label, StandardCharsets.US_ASCII));
        }
        int type = bb.getShort() & 0xffff;
        return new Query(id, name.toString(), type, tcp, edns);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
        delayed.shutdownNow();
    }

    /** Builds a response to a query: header, the question, then records. */
    static final class Answer {
        private final Query q;
        private int rcode;
        private boolean truncated;
        private final List<byte[]> answers = new ArrayList<>();
        private final List<byte[]> authority = new ArrayList<>();

        Answer(Query q) {
            this.q = q;
        }

        Answer rcode(int rcode) {
            this.rcode = rcode;
            return this;
        }

        Answer truncated() {
            this.truncated = true;
            return this;
        }

        Answer a(String name, long ttl, String ip) {
            return record(name, DnsMessage.TYPE_A, ttl, InetAddress.ofLiteral(ip).getAddress());
        }

        Answer aaaa(String name, long ttl, String ip) {
            return record(name, DnsMessage.TYPE_AAAA, ttl, InetAddress.ofLiteral(ip).getAddress());
        }

        Answer cname(String name, long ttl, String target) {
            return record(name, DnsMessage.TYPE_CNAME, ttl, name(target));
        }

        Answer ptr(String name, long ttl, String target) {
            return record(name, DnsMessage.TYPE_PTR, ttl, name(target));
        }

        Answer soa(String zone, long ttl, long minimum) {
            ByteBuffer b = ByteBuffer.allocate(600);
            b.put(name("ns." + zone)).put(name("admin." + zone)).putInt(1).putInt(3600).putInt(600).putInt(86400)
                    .putInt((int) minimum);
            byte[] data = new byte[b.position()];
            b.flip().get(data);
            authority.add(rr(zone, DnsMessage.TYPE_SOA, ttl, data));
            return this;
        }

        Answer record(String name, int type, long ttl, byte[] data) {
            answers.add(rr(name, type, ttl, data));
            return this;
        }

        byte[] bytes() {
            ByteBuffer b = ByteBuffer.allocate(8192);
            int flags = 0x8000 | 0x0100 | 0x0080 | (truncated ? 0x0200 : 0) | rcode;
            b.putShort((short) q.id()).putShort((short) flags).putShort((short) 1)
                    .putShort((short) answers.size()).putShort((short) authority.size()).putShort((short) 0);
            b.put(name(q.name())).putShort((short) q.type()).putShort((short) 1);
            for (byte[] a : answers) {
                b.put(a);
            }
            for (byte[] a : authority) {
                b.put(a);
            }
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }

        private static byte[] rr(String name, int type, long ttl, byte[] data) {
            byte[] n = name(name);
            ByteBuffer b = ByteBuffer.allocate(n.length + 10 + data.length);
            b.put(n).putShort((short) type).putShort((short) 1).putInt((int) ttl).putShort((short) data.length).put(data);
            return b.array();
        }

        static byte[] name(String name) {
            ByteBuffer b = ByteBuffer.allocate(300);
            if (!name.isEmpty()) {
                for (String label : name.split("\\.")) {
                    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
                    b.put((byte) l.length).put(l);
                }
            }
            b.put((byte) 0);
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }
    }
}
