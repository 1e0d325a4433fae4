package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CpuPinningTest {

    @Test
    void theServerGetsTheLastAllowedCpuAndTheClientTheOthers() {
        assertEquals(new CpuPinning("1", "0"), CpuPinning.lastOf("0-1"));
        assertEquals(new CpuPinning("3", "2"), CpuPinning.lastOf("2-3"));
        assertEquals(new CpuPinning("8", "0,1,2,3"), CpuPinning.lastOf("0-3,8"));
    }

    @Test
    void oneCpuOrAMalformedListIsRefused() {
        assertThrows(IllegalStateException.class, () -> CpuPinning.lastOf("5"));
        assertThrows(IllegalArgumentException.class, () -> CpuPinning.lastOf("0-x"));
    }

    @Test
    void thisProcessesCpusAreRead() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        CpuPinning pinning = CpuPinning.lastCpuForServer();
        List<String> client = List.of(pinning.clientCpus().split(","));
        assertFalse(client.contains(pinning.serverCpus()), pinning.toString());
        assertTrue(Integer.parseInt(pinning.serverCpus()) > Integer.parseInt(client.getLast()), pinning.toString());
    }

    @Test
    void commandsRunUnderTaskset() {
        CpuPinning pinning = new CpuPinning("3", "0-2");
        assertEquals(List.of("taskset", "-c", "3", "java", "Server"), pinning.server(List.of("java", "Server")));
        assertEquals(List.of("taskset", "-c", "0-2", "java", "Load"), pinning.client(List.of("java", "Load")));
    }
}
