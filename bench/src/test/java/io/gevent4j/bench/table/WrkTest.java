package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WrkTest {

    private static final String REPORT = """
            Running 5s test @ http://127.0.0.1:40000/
              2 threads and 100 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.01ms    1.10ms  40.00ms   90.00%
                Req/Sec    25.00k     1.00k   27.00k    70.00%
              Latency Distribution
                 50%  850.00us
                 75%    2.00ms
                 90%    3.00ms
                 99%    6.50ms
              250000 requests in 5.00s, 30.00MB read
              Socket errors: connect 0, read 3, write 0, timeout 2
            Requests/sec:  50000.00
            Transfer/sec:      6.00MB
            0m0.004s 0m0.002s
            1m2.500s 0m0.500s
            """;

    @Test
    void readsTheFiguresAndTheCpuTime() throws IOException {
        Wrk.Report r = Wrk.parse(REPORT);
        assertEquals(50_000, r.requestsPerSecond());
        assertEquals(250_000, r.requests());
        assertEquals(850_000, r.p50Nanos(), 1e-6);
        assertEquals(6_500_000, r.p99Nanos(), 1e-6);
        assertEquals(5, r.socketErrors());
        assertEquals(63e9, r.cpuNanos(), 1e3);
    }

    @Test
    void errorResponsesFailTheRun() {
        IOException e = assertThrows(IOException.class,
                () -> Wrk.parse(REPORT.replace("  Socket errors", "  Non-2xx or 3xx responses: 7\n  Socket errors")));
        assertTrue(e.getMessage().contains("errors"), e.getMessage());
    }

    @Test
    void aRunWithoutRequestsFails() {
        assertThrows(IOException.class, () -> Wrk.parse(REPORT.replace("250000 requests", "0 requests")));
    }

    @Test
    void aReportWithoutTheCpuTimesFails() {
        assertThrows(IOException.class, () -> Wrk.parse(REPORT.substring(0, REPORT.indexOf("0m0.004s"))));
    }
}
