package io.gevent4j.resolver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code resolv.conf(5)} says to a stub resolver: the name servers (each on
 * {@code port}), the search list, and the options {@code ndots}, {@code timeout},
 * {@code attempts} and {@code rotate}; at most {@value #MAX_NAMESERVERS} servers, the last
 * {@code search} or {@code domain} line wins. Unknown lines and options are ignored, as the C
 * library does; a missing file means the defaults (a server on 127.0.0.1, no search
 * list, ndots 1, timeout 5 s, 2 attempts). Immutable and thread-safe.
 *
 * @param nameservers the servers to ask, in order; never empty
 * @param search      the domains appended to names with fewer than {@code ndots} dots
 * @param ndots       names with at least this many dots are tried as they are first
 * @param timeout     how long to wait for one server's answer
 * @param attempts    how many rounds over the servers before giving up
 * @param rotate      whether successive queries start at successive servers
 */
public record ResolvConf(List<InetSocketAddress> nameservers, List<String> search, int ndots,
                         Duration timeout, int attempts, boolean rotate) {

    /** The standard DNS port. */
    public static final int DNS_PORT = 53;
    /** The longest per-server timeout accepted (resolv.conf itself allows 30 s). */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** The C library's {@code MAXNS}: further {@code nameserver} lines are ignored. */
    public static final int MAX_NAMESERVERS = 3;

    /** The checks of the canonical constructor. */
    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
        Objects.requireNonNull(timeout, "timeout");
        if (nameservers.isEmpty()) {
            throw new IllegalArgumentException("at least one name server is needed");
        }
        if (ndots < 0 || attempts < 1 || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("bad resolver options: ndots=" + ndots + ", attempts=" + attempts
                    + ", timeout=" + timeout);
        }
    }

    /**
     * Reads {@code file}; a file that does not exist gives the defaults.
     *
     * @throws IOException if the file exists but cannot be read
     */
    public static ResolvConf read(Path file, int port) throws IOException {
        try {
            return parse(Files.readString(file, StandardCharsets.ISO_8859_1), port);
        } catch (NoSuchFileException e) {
            return parse("", port);
        }
    }

    /** Parses the text of a resolv.conf; servers listen on {@code port}. */
    public static ResolvConf parse(String text, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> search = List.of();
        int ndots = 1;
        int timeoutSeconds = 5;
        int attempts = 2;
        boolean rotate = false;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "nameserver" -> {
                    if (words.length > 1) {
                        InetAddress address = literal(words[1]);
                        if (address != null && servers.size() < MAX_NAMESERVERS) {
                            servers.add(new InetSocketAddress(address, port));
                        }
                    }
                }
                case "search" -> search = domains(words);
                case "domain" -> search = words.length > 1 ? domains(new String[]{"", words[1]}) : List.of();
                case "options" -> {
                    for (int i = 1; i < words.length; i++) {
                        String option = words[i];
                        if (option.equals("rotate")) {
                            rotate = true;
                        } else if (option.startsWith("ndots:")) {
                            ndots = clamp(option.substring(6), ndots, 0, 15);
                        } else if (option.startsWith("timeout:")) {
                            timeoutSeconds = clamp(option.substring(8), timeoutSeconds, 1, 30);
                        } else if (option.startsWith("attempts:")) {
                            attempts = clamp(option.substring(9), attempts, 1, 5);
                        }
                    }
                }
                default -> {
                    // sortlist, lookup and the rest do not apply to this resolver
                }
            }
        }
        if (servers.isEmpty()) {
            servers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        return new ResolvConf(servers, search, ndots, Duration.ofSeconds(timeoutSeconds), attempts, rotate);
    }

    /** A copy with another per-server timeout. */
    public ResolvConf withTimeout(Duration timeout) {
        return new ResolvConf(nameservers, search, ndots, timeout, attempts, rotate);
    }

    /** A copy with another number of attempts. */
    public ResolvConf withAttempts(int attempts) {
        return new ResolvConf(nameservers, search, ndots, timeout, attempts, rotate);
    }

    /**
     * The fully qualified names to try for {@code name}, in order (the C library's rules):
     * a name ending in a dot only as it is; a name with at least {@code ndots} dots as it is,
     * then with each search domain; any other name with each search domain, then as it is.
     */
    public List<String> candidates(String name) {
        if (name.endsWith(".")) {
            return List.of(name.substring(0, name.length() - 1));
        }
        List<String> out = new ArrayList<>(search.size() + 1);
        long dots = name.chars().filter(c -> c == '.').count();
        if (dots >= ndots) {
            out.add(name);
        }
        for (String domain : search) {
            out.add(name + "." + domain);
        }
        if (dots < ndots) {
            out.add(name);
        }
        return out;
    }

    private static List<String> domains(String[] words) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            String d = words[i].toLowerCase(Locale.ROOT);
            while (d.endsWith(".")) {
                d = d.substring(0, d.length() - 1);
            }
            if (!d.isEmpty()) {
                out.add(d);
            }
        }
        return out;
    }

    private static int clamp(String value, int fallback, int min, int max) {
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** An address literal (never a lookup), or {@code null} if {@code text} is not one. */
    static InetAddress literal(String text) {
        String t = text;
        int scope = t.indexOf('%');
        if (scope >= 0) {
            t = t.substring(0, scope);
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            return InetAddress.ofLiteral(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
