package io.gevent4j.resolver;

import io.gevent4j.config.Config;
import io.gevent4j.hub.Hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pure-Java stub DNS resolver (the role of gevent's {@code ares} and {@code dnspython}
 * resolvers): it reads a hosts file and a {@code resolv.conf}, and asks the name servers
 * itself over non-blocking UDP channels, retrying over TCP when an answer is truncated.
 * In a greenlet every wait is on the hub's loop, so a lookup never blocks the hub.
 *
 * <p>It resolves A and AAAA records following CNAME chains (within an answer and by
 * further queries), applies the search list and {@code ndots}, tries each server for
 * {@code timeout} per attempt for {@code attempts} rounds, answers PTR (reverse) lookups,
 * and caches answers, positive and negative, for their TTL. The A and AAAA queries of a
 * name go out together, as the C library sends them, so a silent server costs one timeout,
 * not two. The greenlets of a hub share one UDP socket per name server, their queries told
 * apart by random ids and by the question each answer repeats, so thousands of lookups at
 * once hold one file descriptor; the socket is closed when no query waits, and replaced
 * after 1024 queries, so its (random) port keeps changing. Threads without a hub share one
 * UDP socket per name server likewise ({@link ThreadDnsSockets}), and wait for TCP answers
 * on a blocking channel of their own. A server that let a query time out is asked after
 * the others for 30 s (c-ares' failover). Lookups of the same name at the same time, from
 * any greenlet or thread, share one query. Queries offer EDNS0 (1232-byte UDP answers), so
 * most large answers need no TCP round trip; a server that answers FORMERR is asked again
 * without it. The hosts file is consulted first; it and {@code resolv.conf} are read again
 * when they change.
 *
 * <p><b>Errors.</b> A name that does not exist, a server that never answers, a malformed
 * or failed (SERVFAIL, REFUSED) answer from every server, a server whose port is
 * unreachable: {@link UnknownHostException} naming the host and the cause; an invalid
 * name: {@link UnknownHostException} too, as {@link InetAddress} does. A kill or
 * {@code Timeout} of a waiting greenlet is raised where it waits and its queries are
 * forgotten (a late answer is ignored); lookups that had joined its query ask for themselves.
 *
 * <p><b>Threads.</b> Thread-safe. In a greenlet, or on a hub's platform thread, it waits
 * cooperatively on that hub; on a virtual thread of the JDK's own scheduler it blocks that
 * thread (UDP queries then share a socket per server with the other threads without a hub).
 *
 * <p><b>Implementation overview.</b> {@link #lookupAll} goes literal → hosts file →
 * each search candidate; a candidate's types (A and AAAA, in the preferred order) go to
 * {@code queryAddresses}, which takes what the cache has by (type, name) and hands the rest
 * to {@code exchange}. {@code exchange} joins the queries already in flight (a map of
 * futures by type and name) and leads the others: {@code ask} sends them together to one
 * server per round ({@link HubDnsSockets} in a greenlet, {@link ThreadDnsSockets} elsewhere),
 * servers ordered by {@link ServerHealth}, retrying truncated answers over TCP. Each answer's CNAME chain is followed. NXDOMAIN
 * and "no records of this type" move on to the next candidate; any other failure ends the
 * lookup with its cause, unless the other family's query of the same candidate found
 * addresses. Both UDP paths ignore answers that match no query (id, question, format) and
 * wait on for the real ones.
 */
public final class NativeResolver implements Resolver {

    /** System property: the resolv.conf to read (default {@code /etc/resolv.conf}). */
    public static final String RESOLV_CONF_PROPERTY = "gevent4j.dns.resolvConf";
    /** System property: the hosts file to read (default {@code /etc/hosts}). */
    public static final String HOSTS_PROPERTY = "gevent4j.dns.hosts";
    /** System property: the name servers' port (default 53). */
    public static final String PORT_PROPERTY = "gevent4j.dns.port";

    private static final int MAX_CNAME_DEPTH = 8;
    private static final int RCODE_REFUSED = 5;

    /** Which address families a lookup wants, in which order. */
    enum Family {
        IPV4, IPV6, IPV4_FIRST, IPV6_FIRST;

        int[] types() {
            return switch (this) {
                case IPV4 -> new int[]{DnsMessage.TYPE_A};
                case IPV6 -> new int[]{DnsMessage.TYPE_AAAA};
                case IPV4_FIRST -> new int[]{DnsMessage.TYPE_A, DnsMessage.TYPE_AAAA};
                case IPV6_FIRST -> new int[]{DnsMessage.TYPE_AAAA, DnsMessage.TYPE_A};
            };
        }

        boolean accepts(InetAddress a) {
            return this == IPV4 ? a instanceof Inet4Address : this != IPV6 || a instanceof Inet6Address;
        }

        static Family preferred() {
            return Boolean.getBoolean("java.net.preferIPv6Addresses") ? IPV6_FIRST : IPV4_FIRST;
        }
    }

    private final ResolvConfFile conf;
    private final HostsFile hosts;
    private final DnsCache cache;
    private final ServerHealth health = new ServerHealth(System::nanoTime);
    /** The queries being asked now, by "type name": a lookup of the same name joins them. */
    private final ConcurrentHashMap<String, CompletableFuture<DnsMessage.Response>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();
    private final HubDnsSockets hubSockets = new HubDnsSockets();
    private final ThreadDnsSockets threadSockets = new ThreadDnsSockets();

    private NativeResolver(ResolvConfFile conf, HostsFile hosts, int cacheSize) {
        this.conf = conf;
        this.hosts = hosts;
        this.cache = new DnsCache(cacheSize, System::nanoTime);
    }

    /** A builder starting from {@code /etc/resolv.conf}, {@code /etc/hosts} and port 53. */
    public static Builder builder() {
        return new Builder();
    }

    /** The resolv.conf settings in use: the file as it is now (it is read again when it changes). */
    public ResolvConf resolvConf() {
        return conf.current();
    }

    @Override
    public List<InetAddress> lookupAll(String host) throws UnknownHostException {
        BlockingResolver.checkHost(host);
        return lookup(host, Family.preferred(), callerReadiness());
    }

    @Override
    public String reverseLookup(InetAddress address) throws UnknownHostException {
        Objects.requireNonNull(address, "address");
        return reverse(address.getAddress(), callerReadiness());
    }

    /** Forgets every cached answer. */
    public void clearCache() {
        cache.clear();
    }

    /** How many answers are cached now. */
    public int cacheSize() {
        return cache.size();
    }

    @Override
    public String toString() {
        return "NativeResolver" + conf.current().nameservers();
    }

    /** Waits on the caller's hub; a JDK-scheduled virtual thread blocks itself (see {@link Readiness.Blocking}). */
    private static Readiness callerReadiness() {
        Thread t = Thread.currentThread();
        try {
            return new Readiness.OnHub(Hub.current());
        } catch (IllegalStateException e) {
            if (t.isVirtual()) {
                return new Readiness.Blocking();
            }
            throw e;
        }
    }

    List<InetAddress> lookup(String host, Family family, Readiness readiness) throws UnknownHostException {
        InetAddress literal = ResolvConf.literal(host);
        if (literal != null && !host.contains("%")) {
            if (!family.accepts(literal)) {
                throw new UnknownHostException(host + ": address of the wrong family for this lookup");
            }
            return List.of(literal);
        }
        String name;
        try {
            name = DnsMessage.asciiName(host);
        } catch (IllegalArgumentException e) {
            throw (UnknownHostException) new UnknownHostException(host + ": " + e.getMessage()).initCause(e);
        }
        String invalid = DnsMessage.nameError(name);
        if (invalid != null) {
            throw new UnknownHostException(host + ": " + invalid);
        }
        List<InetAddress> listed = new ArrayList<>();
        for (int type : family.types()) {
            for (InetAddress a : hosts.lookup(name)) {
                if (type == DnsMessage.TYPE_A ? a instanceof Inet4Address : a instanceof Inet6Address) {
                    listed.add(a);
                }
            }
        }
        if (!listed.isEmpty()) {
            return withHostName(host, listed);
        }
        List<String> candidates = new ArrayList<>(conf.current().candidates(host.endsWith(".") ? name + "." : name));
        candidates.removeIf(c -> DnsMessage.nameError(c) != null); // a search domain made it too long
        for (String candidate : candidates) {
            List<InetAddress> found = new ArrayList<>();
            UnknownHostException failed = null;
            boolean nxdomain = false;
            for (Found f : queryAddresses(host, candidate, family.types(), readiness, 0)) {
                if (f.failure() != null) {
                    failed = f.failure(); // the other family's addresses still do
                } else if (f.addresses() == null) {
                    nxdomain = true; // no record of any type
                } else {
                    for (byte[] a : f.addresses()) {
                        found.add(InetAddress.getByAddress(host, a));
                    }
                }
            }
            if (!found.isEmpty()) {
                return List.copyOf(found);
            }
            if (failed != null && !nxdomain) {
                throw failed;
            }
        }
        throw new UnknownHostException(host + ": name does not exist (tried " + candidates + ")");
    }

    String reverse(byte[] address, Readiness readiness) throws UnknownHostException {
        InetAddress plain = InetAddress.getByAddress(address);
        String listed = hosts.reverse(plain);
        if (listed != null) {
            return listed;
        }
        String name = reverseName(address);
        String key = "PTR " + name;
        DnsCache.Entry hit = cache.get(key);
        if (hit != null) {
            if (hit.value() == null) {
                throw new UnknownHostException(plain.getHostAddress() + ": no host name (cached)");
            }
            return (String) hit.value();
        }
        Object outcome = exchange(plain.getHostAddress(), name, new int[] {DnsMessage.TYPE_PTR}, readiness)[0];
        if (outcome instanceof UnknownHostException e) {
            throw e;
        }
        DnsMessage.Response r = (DnsMessage.Response) outcome;
        if (r.rcode() == DnsMessage.RCODE_NXDOMAIN) {
            cache.put(key, null, r.negativeTtl());
            throw new UnknownHostException(plain.getHostAddress() + ": no host name (NXDOMAIN)");
        }
        Chain chain = follow(r, name, DnsMessage.TYPE_PTR);
        if (chain.records.isEmpty()) {
            throw new UnknownHostException(plain.getHostAddress() + ": no PTR record");
        }
        String target = chain.records.getFirst().target();
        cache.put(key, target, chain.ttl);
        return target;
    }

    /**
     * What a query of one type found: its addresses (empty for none of that type),
     * {@code null} addresses for NXDOMAIN, or the failure.
     */
    private record Found(List<byte[]> addresses, UnknownHostException failure) {
    }

    /** The addresses of {@code name} of each of {@code types}, the uncached ones asked together. */
    private Found[] queryAddresses(String host, String name, int[] types, Readiness readiness, int depth)
            throws UnknownHostException {
        Found[] out = new Found[types.length];
        int[] asked = new int[types.length];
        int n = 0;
        for (int i = 0; i < types.length; i++) {
            DnsCache.Entry hit = cache.get(types[i] + " " + name);
            if (hit != null) {
                @SuppressWarnings("unchecked")
                List<byte[]> cached = (List<byte[]>) hit.value();
                out[i] = new Found(cached, null);
            } else {
                asked[n++] = i;
            }
        }
        if (n == 0) {
            return out;
        }
        int[] askedTypes = new int[n];
        for (int j = 0; j < n; j++) {
            askedTypes[j] = types[asked[j]];
        }
        Object[] answers = exchange(host, name, askedTypes, readiness);
        for (int j = 0; j < n; j++) {
            try {
                if (answers[j] instanceof UnknownHostException e) {
                    throw e;
                }
                out[asked[j]] = addresses(host, name, askedTypes[j], (DnsMessage.Response) answers[j], readiness, depth);
            } catch (UnknownHostException e) {
                out[asked[j]] = new Found(null, e);
            }
        }
        return out;
    }

    /** The addresses an answer gives, following its CNAME chain with further queries; caches them. */
    private Found addresses(String host, String name, int type, DnsMessage.Response r, Readiness readiness, int depth)
            throws UnknownHostException {
        String key = type + " " + name;
        if (r.rcode() == DnsMessage.RCODE_NXDOMAIN) {
            cache.put(key, null, r.negativeTtl());
            return new Found(null, null);
        }
        Chain chain = follow(r, name, type);
        if (chain.records.isEmpty() && !chain.end.equals(name)) {
            if (depth >= MAX_CNAME_DEPTH) {
                throw new UnknownHostException(host + ": CNAME chain longer than " + MAX_CNAME_DEPTH + " queries");
            }
            Found next = queryAddresses(host, chain.end, new int[] {type}, readiness, depth + 1)[0];
            if (next.failure() != null) {
                throw next.failure();
            }
            return next;
        }
        List<byte[]> out = new ArrayList<>(chain.records.size());
        for (DnsMessage.Record rec : chain.records) {
            out.add(rec.data());
        }
        cache.put(key, List.copyOf(out), chain.records.isEmpty() ? r.negativeTtl() : chain.ttl);
        return new Found(out, null);
    }

    /** The records of {@code type} at the end of the CNAME chain that starts at {@code name}. */
    private record Chain(String end, List<DnsMessage.Record> records, long ttl) {
    }

    private static Chain follow(DnsMessage.Response r, String name, int type) throws UnknownHostException {
        String current = name;
        long ttl = Long.MAX_VALUE;
        Set<String> seen = new HashSet<>();
        boolean moved = true;
        while (moved) {
            moved = false;
            for (DnsMessage.Record rec : r.answers()) {
                if (rec.type() == DnsMessage.TYPE_CNAME && rec.name().equals(current) && type != DnsMessage.TYPE_CNAME) {
                    if (!seen.add(current)) {
                        throw new UnknownHostException(name + ": CNAME loop at " + current);
                    }
                    ttl = Math.min(ttl, rec.ttl());
                    current = rec.target();
                    moved = true;
                    break;
                }
            }
        }
        List<DnsMessage.Record> records = new ArrayList<>();
        for (DnsMessage.Record rec : r.answers()) {
            if (rec.type() == type && rec.name().equals(current)) {
                records.add(rec);
                ttl = Math.min(ttl, rec.ttl());
            }
        }
        return new Chain(current, records, ttl == Long.MAX_VALUE ? 0 : ttl);
    }

    /**
     * The answers to queries of {@code name} for each of {@code types}: a
     * {@link DnsMessage.Response} or the {@link UnknownHostException} of its failure. A query
     * another lookup is asking now is joined, not asked again; the others are asked together.
     */
    private Object[] exchange(String host, String name, int[] types, Readiness readiness) throws UnknownHostException {
        Object[] out = new Object[types.length];
        @SuppressWarnings("unchecked")
        CompletableFuture<DnsMessage.Response>[] led = new CompletableFuture[types.length];
        @SuppressWarnings("unchecked")
        CompletableFuture<DnsMessage.Response>[] joined = new CompletableFuture[types.length];
        int[] asked = new int[types.length];
        int n = 0;
        for (int i = 0; i < types.length; i++) {
            CompletableFuture<DnsMessage.Response> mine = new CompletableFuture<>();
            CompletableFuture<DnsMessage.Response> theirs = inFlight.putIfAbsent(types[i] + " " + name, mine);
            if (theirs == null) {
                led[i] = mine;
                asked[n++] = i;
            } else {
                joined[i] = theirs;
            }
        }
        try {
            if (n > 0) {
                int[] askedTypes = new int[n];
                for (int j = 0; j < n; j++) {
                    askedTypes[j] = types[asked[j]];
                }
                Object[] answers = ask(host, name, askedTypes, readiness);
                for (int j = 0; j < n; j++) {
                    out[asked[j]] = answers[j];
                    if (answers[j] instanceof DnsMessage.Response r) {
                        led[asked[j]].complete(r);
                    } else {
                        led[asked[j]].completeExceptionally((UnknownHostException) answers[j]);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            for (CompletableFuture<DnsMessage.Response> f : led) {
                if (f != null) {
                    f.completeExceptionally(e); // a kill or Timeout: the joined lookups ask for themselves
                }
            }
            throw e;
        } finally {
            for (int i = 0; i < types.length; i++) {
                if (led[i] != null) {
                    inFlight.remove(types[i] + " " + name, led[i]);
                }
            }
        }
        for (int i = 0; i < types.length; i++) {
            if (joined[i] != null) {
                out[i] = joinedAnswer(host, name, types[i], joined[i], readiness);
            }
        }
        return out;
    }

    /** The answer of a query another lookup asked; if that lookup was killed, asks it now. */
    private Object joinedAnswer(String host, String name, int type, CompletableFuture<DnsMessage.Response> theirs,
                                Readiness readiness) throws UnknownHostException {
        try {
            readiness.await(theirs);
        } catch (InterruptedIOException e) {
            throw (UnknownHostException) new UnknownHostException(host + ": " + e.getMessage()).initCause(e);
        }
        try {
            return theirs.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnknownHostException failure) {
                return failure;
            }
            return exchange(host, name, new int[] {type}, readiness)[0];
        }
    }

    /**
     * Asks the servers until each query has a usable answer (NOERROR or NXDOMAIN): every
     * round sends the queries still unanswered together to one server, silent servers last.
     *
     * @return for each type, its {@link DnsMessage.Response} or {@link UnknownHostException}
     */
    private Object[] ask(String host, String name, int[] types, Readiness readiness) {
        int n = types.length;
        ResolvConf c = conf.current();
        DnsTransport.Question[] questions = new DnsTransport.Question[n];
        for (int i = 0; i < n; i++) {
            questions[i] = new DnsTransport.Question(name, types[i], true);
        }
        List<InetSocketAddress> servers = c.nameservers();
        int first = c.rotate() ? Math.floorMod(rotation.getAndIncrement(), servers.size()) : 0;
        List<InetSocketAddress> rotated = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            rotated.add(servers.get((first + i) % servers.size()));
        }
        long timeout = c.timeout().toNanos();
        Object[] out = new Object[n];
        Exception[] last = new Exception[n];
        InetSocketAddress lastServer = null;
        for (int attempt = 0; attempt < c.attempts(); attempt++) {
            for (InetSocketAddress server : health.order(rotated)) {
                int[] pending = unanswered(out);
                if (pending.length == 0) {
                    return out;
                }
                lastServer = server;
                DnsMessage.Response[] answers;
                try {
                    answers = udp(server, select(questions, pending), System.nanoTime() + timeout, readiness);
                } catch (IOException e) {
                    if (e instanceof SocketTimeoutException) {
                        health.silent(server);
                    }
                    for (int i : pending) {
                        last[i] = e;
                    }
                    continue;
                }
                health.answered(server);
                for (int k = 0; k < pending.length; k++) {
                    int i = pending[k];
                    try {
                        DnsTransport.Question q = questions[i];
                        DnsMessage.Response r = answers[k];
                        if (r == null) {
                            throw new SocketTimeoutException("timed out");
                        }
                        if (r.rcode() == DnsMessage.RCODE_FORMERR) { // a server that refuses EDNS0 (RFC 6891 7)
                            q = new DnsTransport.Question(name, types[i], false);
                            r = udp(server, new DnsTransport.Question[] {q}, System.nanoTime() + timeout, readiness)[0];
                        }
                        if (r.truncated()) {
                            r = DnsTransport.tcp(server, q, System.nanoTime() + timeout, readiness);
                        }
                        if (r.rcode() == DnsMessage.RCODE_NOERROR || r.rcode() == DnsMessage.RCODE_NXDOMAIN) {
                            out[i] = r;
                        } else {
                            last[i] = new IOException("server answered " + rcodeName(r.rcode()));
                        }
                    } catch (IOException e) {
                        last[i] = e;
                    }
                }
            }
        }
        for (int i : unanswered(out)) {
            out[i] = failure(host, name, types[i], c, last[i], lastServer);
        }
        return out;
    }

    /**
     * One UDP exchange: a greenlet's goes over its hub's shared socket to {@code server}, any
     * other thread's over the socket the threads without a hub share.
     */
    private DnsMessage.Response[] udp(InetSocketAddress server, DnsTransport.Question[] questions, long deadline,
                                      Readiness readiness) throws IOException {
        return readiness instanceof Readiness.OnHub onHub
                ? hubSockets.exchange(onHub.hub(), server, questions, deadline)
                : threadSockets.exchange(server, questions, deadline);
    }

    private static int[] unanswered(Object[] out) {
        int n = 0;
        for (Object o : out) {
            if (o == null) {
                n++;
            }
        }
        int[] pending = new int[n];
        int k = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                pending[k++] = i;
            }
        }
        return pending;
    }

    private static <T> T[] select(T[] all, int[] indices) {
        T[] out = Arrays.copyOf(all, indices.length);
        for (int k = 0; k < indices.length; k++) {
            out[k] = all[indices[k]];
        }
        return out;
    }

    private static UnknownHostException failure(String host, String name, int type, ResolvConf c, Exception last,
                                                InetSocketAddress lastServer) {
        String what = last instanceof DnsMessage.MalformedException ? "malformed answer"
                : last instanceof SocketTimeoutException ? "no answer within " + c.timeout().toMillis() + " ms"
                : last instanceof PortUnreachableException ? "port unreachable (nothing listens there)"
                : "lookup failed";
        UnknownHostException e = new UnknownHostException(host + ": " + what + " from " + lastServer + " ("
                + typeName(type) + " " + name + ", " + c.attempts() + " attempt(s) over " + c.nameservers().size()
                + " server(s))" + (last != null && last.getMessage() != null ? ": " + last.getMessage() : ""));
        e.initCause(last);
        return e;
    }

    private static String rcodeName(int rcode) {
        return switch (rcode) {
            case DnsMessage.RCODE_SERVFAIL -> "SERVFAIL";
            case RCODE_REFUSED -> "REFUSED";
            default -> "rcode " + rcode;
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case DnsMessage.TYPE_A -> "A";
            case DnsMessage.TYPE_AAAA -> "AAAA";
            case DnsMessage.TYPE_PTR -> "PTR";
            default -> "type " + type;
        };
    }

    static String reverseName(byte[] address) {
        StringBuilder b = new StringBuilder();
        if (address.length == 4) {
            for (int i = 3; i >= 0; i--) {
                b.append(address[i] & 0xff).append('.');
            }
            return b.append("in-addr.arpa").toString();
        }
        for (int i = address.length - 1; i >= 0; i--) {
            b.append(Character.forDigit(address[i] & 0xf, 16)).append('.')
                    .append(Character.forDigit((address[i] >> 4) & 0xf, 16)).append('.');
        }
        return b.append("ip6.arpa").toString();
    }

    private static List<InetAddress> withHostName(String host, List<InetAddress> addresses) throws UnknownHostException {
        List<InetAddress> out = new ArrayList<>(addresses.size());
        for (InetAddress a : addresses) {
            out.add(InetAddress.getByAddress(host, a.getAddress()));
        }
        return List.copyOf(out);
    }

    /**
     * Configures a {@link NativeResolver}: the files it reads (paths, so tests and
     * containers can point elsewhere), the servers' port, and overrides of resolv.conf's
     * timeout and attempts. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        static final int DEFAULT_CACHE = 10_000;

        private Path resolvConf = Path.of("/etc/resolv.conf");
        private Path hosts = Path.of("/etc/hosts");
        private int port = ResolvConf.DNS_PORT;
        private Duration timeout;
        private Integer attempts;
        private int cacheSize = DEFAULT_CACHE;

        private Builder() {
        }

        /**
         * Takes the files and the port from the configuration ({@link Config}): the system
         * properties {@value NativeResolver#RESOLV_CONF_PROPERTY}, {@value NativeResolver#HOSTS_PROPERTY}
         * and {@value NativeResolver#PORT_PROPERTY} or their environment variables.
         *
         * @throws io.gevent4j.config.ConfigException if the configuration has a bad value
         */
        public Builder fromSystemProperties() {
            Config config = Config.get();
            resolvConf = config.dnsResolvConf();
            hosts = config.dnsHosts();
            port = config.dnsPort();
            return this;
        }

        /** The resolv.conf file to read. */
        public Builder resolvConf(Path path) {
            this.resolvConf = Objects.requireNonNull(path, "path");
            return this;
        }

        /** The hosts file to read. */
        public Builder hostsFile(Path path) {
            this.hosts = Objects.requireNonNull(path, "path");
            return this;
        }

        /** The port every name server listens on (default 53). */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Overrides resolv.conf's per-server timeout: positive, at most {@link ResolvConf#MAX_TIMEOUT}. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(ResolvConf.MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException("timeout must be positive and at most " + ResolvConf.MAX_TIMEOUT
                        + ": " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Overrides resolv.conf's number of attempts. */
        public Builder attempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
            }
            this.attempts = attempts;
            return this;
        }

        /** The most answers kept in the cache; 0 disables caching. */
        public Builder cacheSize(int entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("cache size must not be negative: " + entries);
            }
            this.cacheSize = entries;
            return this;
        }

        /**
         * Reads resolv.conf and builds the resolver.
         *
         * @throws UncheckedIOException if resolv.conf exists but cannot be read
         */
        public NativeResolver build() {
            return new NativeResolver(new ResolvConfFile(resolvConf, port, timeout, attempts), new HostsFile(hosts),
                    cacheSize);
        }
    }
}
