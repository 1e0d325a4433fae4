package io.gevent4j.bench.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and resident set as Linux's {@code /proc} shows them, read from any
 * thread. Throws {@link IOException} if the process is gone.
 */
final class ProcStat {

    /** Nanoseconds per clock tick of {@code /proc/PID/stat} (USER_HZ, 100 on Linux). */
    static final double TICK_NANOS = 1e9 / 100;

    private ProcStat() {
    }

    /** utime + stime of process {@code pid}, in nanoseconds (fields 14 and 15 of {@code /proc/PID/stat}). */
    static double cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
    }

    /** The resident set of process {@code pid} in bytes ({@code VmRSS} of {@code /proc/PID/status}). */
    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
