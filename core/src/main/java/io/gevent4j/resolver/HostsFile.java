package io.gevent4j.resolver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The entries of a {@code hosts(5)} file ({@code /etc/hosts}): address, canonical name,
 * aliases. The file is read again when its modification time changes (as gevent's
 * {@code HostsFile}); a missing file has no entries. Thread-safe.
 *
 * <p>Reading the file is file I/O and blocks the calling thread (the hub, in a greenlet)
 * for the time of one small read, only when the file changed.
 */
public final class HostsFile {

    private record Snapshot(FileTime modified, Map<String, List<InetAddress>> byName, Map<InetAddress, String> byAddress) {
    }

    private static final Snapshot EMPTY = new Snapshot(null, Map.of(), Map.of());

    private final Path path;
    private volatile Snapshot snapshot = EMPTY;

    /** The entries of {@code path}. */
    public HostsFile(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** The addresses listed for {@code name} (case-insensitive, a trailing dot ignored), in file order; empty if none. */
    public List<InetAddress> lookup(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.endsWith(".")) {
            key = key.substring(0, key.length() - 1);
        }
        return current().byName.getOrDefault(key, List.of());
    }

    /** The canonical name listed for {@code address}, or {@code null}. */
    public String reverse(InetAddress address) {
        return current().byAddress.get(plain(address));
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(path);
        } catch (NoSuchFileException e) {
            snapshot = EMPTY;
            return EMPTY;
        } catch (IOException e) {
            return s;
        }
        if (modified.equals(s.modified)) {
            return s;
        }
        try {
            s = parse(Files.readString(path, StandardCharsets.ISO_8859_1), modified);
        } catch (IOException e) {
            return s;
        }
        snapshot = s;
        return s;
    }

    private static Snapshot parse(String text, FileTime modified) {
        Map<String, List<InetAddress>> byName = new HashMap<>();
        Map<InetAddress, String> byAddress = new HashMap<>();
        for (String raw : text.split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length < 2) {
                continue;
            }
            InetAddress literal = ResolvConf.literal(words[0]);
            if (literal == null) {
                continue;
            }
            for (int i = 1; i < words.length; i++) {
                String name = words[i].toLowerCase(Locale.ROOT);
                InetAddress named = named(words[1], literal);
                List<InetAddress> list = byName.computeIfAbsent(name, k -> new ArrayList<>());
                if (!list.contains(named)) {
                    list.add(named);
                }
            }
            byAddress.putIfAbsent(plain(literal), words[1]);
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        return new Snapshot(modified, Map.copyOf(byName), Map.copyOf(byAddress));
    }

    private static InetAddress named(String host, InetAddress address) {
        try {
            return InetAddress.getByAddress(host, address.getAddress());
        } catch (UnknownHostException e) {
            throw new AssertionError("a literal's bytes are a valid address", e);
        }
    }

    private static InetAddress plain(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new AssertionError("an address's bytes are a valid address", e);
        }
    }

    @Override
    public String toString() {
        return "HostsFile[" + path + "]";
    }
}
