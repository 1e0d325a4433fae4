package io.gevent4j.bench.table;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What one load run against a server measured: operations (round trips or requests) per
 * second, the median and 99th-percentile latency, and the CPU time the server and the load
 * client each spent per operation.
 */
record Figures(double rate, double p50Nanos, double p99Nanos, double serverCpuNanos, double clientCpuNanos) {

    /** The median of each figure over {@code runs} (not empty), taken figure by figure. */
    static Figures median(List<Figures> runs) {
        return new Figures(median(runs, Figures::rate), median(runs, Figures::p50Nanos), median(runs, Figures::p99Nanos),
                median(runs, Figures::serverCpuNanos), median(runs, Figures::clientCpuNanos));
    }

    private static double median(List<Figures> runs, ToDoubleFunction<Figures> figure) {
        double[] values = runs.stream().mapToDouble(figure).toArray();
        Arrays.sort(values);
        return values[values.length / 2];
    }
}
