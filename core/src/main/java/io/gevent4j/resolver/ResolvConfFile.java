package io.gevent4j.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

/**
 * A {@code resolv.conf} file, read again when its modification time changes (as gevent
 * and the C library do), with the builder's overrides of timeout and attempts applied to
 * every reading. A file that cannot be read again keeps the last settings. Thread-safe.
 *
 * <p>Looking at the file is one {@code stat} per uncached lookup, and a small read only when
 * it changed: file I/O that blocks the calling thread (the hub, in a greenlet) that long.
 */
final class ResolvConfFile {

    private record Snapshot(FileTime modified, ResolvConf conf) {
    }

    private final Path path;
    private final int port;
    private final Duration timeout;
    private final Integer attempts;
    private volatile Snapshot snapshot;

    /**
     * Reads {@code path} now.
     *
     * @param timeout overrides the file's timeout, or {@code null}
     * @param attempts overrides the file's attempts, or {@code null}
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    ResolvConfFile(Path path, int port, Duration timeout, Integer attempts) {
        this.path = path;
        this.port = port;
        this.timeout = timeout;
        this.attempts = attempts;
        try {
            this.snapshot = read(modifiedTime());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The settings of the file as it is now. */
    ResolvConf current() {
        Snapshot s = snapshot;
        try {
            FileTime modified = modifiedTime();
            if (!java.util.Objects.equals(modified, s.modified)) {
                s = read(modified);
                snapshot = s;
            }
        } catch (IOException e) {
            return s.conf;
        }
        return s.conf;
    }

    private FileTime modifiedTime() throws IOException {
        try {
            return Files.getLastModifiedTime(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private Snapshot read(FileTime modified) throws IOException {
        ResolvConf c = ResolvConf.read(path, port);
        if (timeout != null) {
            c = c.withTimeout(timeout);
        }
        if (attempts != null) {
            c = c.withAttempts(attempts);
        }
        return new Snapshot(modified, c);
    }
}
