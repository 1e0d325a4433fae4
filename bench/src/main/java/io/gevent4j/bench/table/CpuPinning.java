package io.gevent4j.bench.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The table's pinned echo rows: every server process on the last CPU this process may use,
 * the load client on the others ({@code taskset -c}), the same for every server. It takes the
 * kernel's placement out of the figure: unpinned, a server of one busy thread shares a CPU
 * with one of the client's two threads in some runs and has one to itself in others, and the
 * row is bimodal. Pinned, every server, whatever its thread count, has one CPU, and the client
 * the rest. Needs {@code taskset} (util-linux), Linux's {@code /proc/self/status} and at least
 * two CPUs.
 */
record CpuPinning(String serverCpus, String clientCpus) {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final String ALLOWED = "Cpus_allowed_list:";

    /**
     * Server on the last CPU this process may use, client on the others: read from the
     * kernel's {@code Cpus_allowed_list}, so a cpuset such as {@code 2-3} is honoured.
     *
     * @throws IllegalStateException with fewer than two CPUs, or if the list cannot be read
     */
    static CpuPinning lastCpuForServer() {
        try {
            String line = Files.readAllLines(STATUS).stream().filter(l -> l.startsWith(ALLOWED)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(STATUS + " has no " + ALLOWED));
            return lastOf(line.substring(ALLOWED.length()).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPUs this process may use", e);
        }
    }

    /**
     * Server on the last CPU of {@code allowedList} (the kernel's list format: {@code 0-3,8}),
     * client on the others.
     *
     * @throws IllegalStateException with fewer than two CPUs
     * @throws IllegalArgumentException if the list is malformed
     */
    static CpuPinning lastOf(String allowedList) {
        List<Integer> cpus = new ArrayList<>();
        for (String range : allowedList.split(",")) {
            String[] ends = range.trim().split("-", 2);
            try {
                int first = Integer.parseInt(ends[0]);
                int last = ends.length == 1 ? first : Integer.parseInt(ends[1]);
                for (int cpu = first; cpu <= last; cpu++) {
                    cpus.add(cpu);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list: '" + allowedList + "'", e);
            }
        }
        if (cpus.size() < 2) {
            throw new IllegalStateException("the pinned rows need at least two CPUs, this process may use " + allowedList);
        }
        String server = cpus.getLast().toString();
        String client = cpus.subList(0, cpus.size() - 1).stream().map(String::valueOf).collect(Collectors.joining(","));
        return new CpuPinning(server, client);
    }

    /** {@code command} run on the server's CPUs. */
    List<String> server(List<String> command) {
        return taskset(serverCpus, command);
    }

    /** {@code command} run on the client's CPUs. */
    List<String> client(List<String> command) {
        return taskset(clientCpus, command);
    }

    private static List<String> taskset(String cpus, List<String> command) {
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
        pinned.addAll(command);
        return pinned;
    }
}
