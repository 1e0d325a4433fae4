package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CpuPinningTest {

    @Test
    void theServerGetsTheLastCpuAndTheClientTheOthers() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "needs two CPUs");
        CpuPinning pinning = CpuPinning.lastCpuForServer();
        assertEquals(Integer.toString(cpus - 1), pinning.serverCpus());
        assertEquals(cpus == 2 ? "0" : "0-" + (cpus - 2), pinning.clientCpus());
    }

    @Test
    void commandsRunUnderTaskset() {
        CpuPinning pinning = new CpuPinning("3", "0-2");
        assertEquals(List.of("taskset", "-c", "3", "java", "Server"), pinning.server(List.of("java", "Server")));
        assertEquals(List.of("taskset", "-c", "0-2", "java", "Load"), pinning.client(List.of("java", "Load")));
    }
}
