package io.gevent4j.bench.table;

import java.util.ArrayList;
import java.util.List;

/**
 * The table's pinned echo rows: every server process on the machine's last CPU, the load
 * client on the others ({@code taskset -c}), the same for every server. It takes the kernel's
 * placement out of the figure: unpinned, a server of one busy thread shares a CPU with one
 * of the client's two threads in some runs and has one to itself in others, and the row is
 * bimodal. Pinned, every server, whatever its thread count, has one CPU, and the client the
 * rest. Needs {@code taskset} (util-linux) and at least two CPUs.
 */
record CpuPinning(String serverCpus, String clientCpus) {

    /**
     * Server on CPU {@code n-1}, client on CPUs {@code 0..n-2}, where {@code n} is the number
     * of CPUs this JVM may use.
     *
     * @throws IllegalStateException with fewer than two CPUs
     */
    static CpuPinning lastCpuForServer() {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2) {
            throw new IllegalStateException("the pinned rows need at least two CPUs, this JVM has " + cpus);
        }
        return new CpuPinning(Integer.toString(cpus - 1), cpus == 2 ? "0" : "0-" + (cpus - 2));
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
