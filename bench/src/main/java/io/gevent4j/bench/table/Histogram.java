package io.gevent4j.bench.table;

/**
 * Latencies in nanoseconds, counted in log-linear buckets: exact below 64 ns, then 32
 * buckets per power of two (at most about 3% between a value and its bucket's middle),
 * up to about 18 minutes; a larger value counts in the last bucket. Not thread-safe: each
 * load thread keeps its own and they are {@linkplain #add(Histogram) added} at the end.
 */
final class Histogram {

    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_SHIFT = 35;
    private final long[] counts = new long[(MAX_SHIFT + 2) * SUB];
    private long total;

    /** Counts one latency of {@code nanos} (negative counts as 0). */
    void record(long nanos) {
        counts[index(Math.max(0, nanos))]++;
        total++;
    }

    /** Adds {@code other}'s counts to this one's. */
    void add(Histogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    /** How many latencies were recorded. */
    long count() {
        return total;
    }

    /**
     * The latency below or at which a fraction {@code q} (0 to 1) of the recorded ones lie,
     * as the middle of its bucket, in nanoseconds.
     *
     * @throws IllegalStateException if nothing was recorded
     */
    double percentile(double q) {
        if (total == 0) {
            throw new IllegalStateException("no latency recorded");
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(counts.length - 1);
    }

    private int index(long v) {
        if (v < 2 * SUB) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
        if (shift > MAX_SHIFT) {
            return counts.length - 1;
        }
        return shift * SUB + (int) (v >>> shift);
    }

    private static double middle(int index) {
        if (index < 2 * SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long low = (long) (index % SUB + SUB) << shift;
        return low + ((1L << shift) - 1) / 2.0;
    }
}
