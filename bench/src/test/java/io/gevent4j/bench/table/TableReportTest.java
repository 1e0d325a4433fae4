package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableReportTest {

    private static String row(String table, String label) {
        return rowAfter(table, "workload", label);
    }

    /** The first row starting with {@code label} below the row starting with {@code section}. */
    private static String rowAfter(String table, String section, String label) {
        List<String> lines = List.of(table.split("\n"));
        int from = lines.indexOf(lines.stream().filter(l -> l.startsWith(section)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + section + "' in\n" + table)));
        return lines.subList(from + 1, lines.size()).stream().filter(l -> l.startsWith(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + label + "' after '" + section + "' in\n" + table));
    }

    @Test
    void aRateIsComparedWithTheHighestPeer() {
        TableReport report = new TableReport();
        report.add("RESULT table.echo:conns=50.rate netty 40000.0 /s");
        report.add("RESULT table.echo:conns=50.rate gevent 10000.0 /s");
        report.add("RESULT table.echo:conns=50.rate gevent4j 20000.0 /s");
        report.add("RESULT table.echo:conns=50.rate gevent4j-hubs 60000.0 /s");
        String line = row(report.render(false), "echo 64 B, 50 conns");
        assertTrue(line.contains("40.0k/s") && line.contains("10.0k/s") && line.contains("60.0k/s"), line);
        assertTrue(line.matches(".*\\s0\\.50 netty\\s+1\\.50 netty"), line);
    }

    @Test
    void aCostIsComparedWithTheLowestPeer() {
        TableReport report = new TableReport();
        report.add("RESULT core.SwitchBench.waiter jdk 200.0 ns");
        report.add("RESULT core.SwitchBench.waiter gevent 3500.0 ns");
        report.add("RESULT core.SwitchBench.waiter gevent4j 250.0 ns");
        String line = row(report.render(false), "switch");
        assertTrue(line.contains("3.5 us") && line.contains("200 ns") && line.contains("250 ns"), line);
        assertTrue(line.matches(".*\\s0\\.80 jdk\\s+-"), line);
    }

    @Test
    void theJavaNetRowTakesThePeersOfTheEchoBenchmark() {
        TableReport report = new TableReport();
        report.add("RESULT net.EchoBench.echo:conns=1 jdk 80000.0 ns");
        report.add("RESULT net.EchoBench.echo:conns=1 gevent4j 17000.0 ns");
        report.add("RESULT net.EchoBench.echoJavaNetInGreenlets:conns=1 gevent4j 40000.0 ns");
        String table = report.render(false);
        assertTrue(row(table, "java.net.Socket round trip in a greenlet, 1 conn").contains("2.00 jdk"), table);
        assertTrue(row(table, "  gevent4j's own StreamSocket").contains("4.71 jdk"), table);
    }

    @Test
    void theJavaNetRowsTakeAllHubsFromTheirOnHubsBenchmark() {
        TableReport report = new TableReport();
        report.add("RESULT net.EchoBench.echo:conns=100 jdk 14000.0 ns");
        report.add("RESULT net.EchoBench.echoJavaNetPatched:conns=100 gevent4j 17000.0 ns");
        report.add("RESULT net.EchoBench.echoJavaNetPatchedOnHubs:conns=100 gevent4j 10000.0 ns");
        String line = rowAfter(report.render(false), "java.net.Socket round trip in a greenlet, 100 conns", "  after Monkey");
        assertTrue(line.contains("17.0 us") && line.contains("10.0 us"), line);
        assertTrue(line.matches(".*\\s0\\.82 jdk\\s+1\\.40 jdk"), line);
    }

    @Test
    void theSpawnJoinAndSleepersRowsTakeAllHubsFromTheirOnHubsBenchmark() {
        TableReport report = new TableReport();
        report.add("RESULT core.SpawnJoinBench.spawnJoin jdk 800.0 ns");
        report.add("RESULT core.SpawnJoinBench.spawnJoin gevent4j 1000.0 ns");
        report.add("RESULT core.SpawnJoinBench.spawnJoinOnHubs gevent4j 400.0 ns");
        report.add("RESULT core.SleepersBench.sleepers jdk 270000000.0 ns");
        report.add("RESULT core.SleepersBench.sleepers gevent4j 360000000.0 ns");
        report.add("RESULT core.SleepersBench.sleepersOnHubs gevent4j 180000000.0 ns");
        String table = report.render(false);
        String spawnJoin = row(table, "spawn+join, per greenlet (100,000)");
        assertTrue(spawnJoin.matches(".*\\s0\\.80 jdk\\s+2\\.00 jdk"), spawnJoin);
        String sleepers = row(table, "100,000 x sleep(0.1), total");
        assertTrue(sleepers.matches(".*\\s0\\.75 jdk\\s+1\\.50 jdk"), sleepers);
    }

    @Test
    void idleRowsAreNamedAfterTheirConnectionCount() {
        TableReport report = new TableReport();
        report.add("RESULT table.idle:conns=18000.rss netty 2500.0 B");
        report.add("RESULT table.idle:conns=18000.rss gevent4j 12500.0 B");
        String line = row(report.render(false), "18,000 idle connections");
        assertTrue(line.contains("12,500 B") && line.contains("0.20 netty"), line);
    }

    @Test
    void theLiveHeapOfAnIdleConnectionIsARowBelowItsResidentSet() {
        TableReport report = new TableReport();
        report.add("RESULT table.idle:conns=2000.rss gevent 10000.0 B");
        report.add("RESULT table.idle:conns=2000.heap jdk 3000.0 B");
        report.add("RESULT table.idle:conns=2000.heap gevent4j 2000.0 B");
        String line = rowAfter(report.render(false), "2,000 idle connections", "  live heap per connection");
        assertTrue(line.contains("3,000 B") && line.contains("2,000 B") && line.contains("1.50 jdk"), line);
    }

    @Test
    void missingFiguresAndOtherLinesLeaveDashes() {
        TableReport report = new TableReport();
        report.add("bench: some log line");
        report.add("RESULT table.http:conns=100.p99 robaho 5500000.0 ns");
        String line = rowAfter(report.render(false), "HTTP hello, wrk -t2 -c100:", "  p99");
        assertTrue(line.contains("5.5 ms"), line);
        assertTrue(line.trim().endsWith("-"), line);
    }

    @Test
    void thePinnedRowsAppearOnlyWithTheirFigures() {
        TableReport report = new TableReport();
        report.add("RESULT table.echo:conns=50.rate netty 90000.0 /s");
        assertTrue(report.render(false).lines().noneMatch(l -> l.contains("server on 1 CPU")));
        report.add("RESULT table.pinned:conns=50.rate netty 50000.0 /s");
        report.add("RESULT table.pinned:conns=50.rate gevent4j 60000.0 /s");
        String table = report.render(false);
        String line = row(table, "echo 50 conns, server on 1 CPU, client on the rest");
        assertTrue(line.contains("50.0k/s") && line.contains("60.0k/s"), line);
        assertTrue(line.matches(".*\\s1\\.20 netty\\s+-"), line);
        assertTrue(row(table, "echo 64 B, 50 conns").contains("90.0k/s"), table);
    }

    @Test
    void markdownHasAHeaderRuleAndOneLinePerRow() {
        TableReport report = new TableReport();
        report.add("RESULT core.MemoryMeasure.blocked gevent 7404.0 B");
        String[] lines = report.render(true).split("\n");
        assertTrue(lines[0].startsWith("| workload | netty |"), lines[0]);
        assertEquals("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|", lines[1]);
        assertTrue(Arrays.stream(lines).anyMatch(l -> l.startsWith("| bytes per blocked greenlet") && l.contains("7,404 B")));
    }

    @Test
    void figuresAreShownInTheirUnit() {
        assertEquals("999 ns", TableReport.format(999, "ns"));
        assertEquals("1.5 us", TableReport.format(1_500, "ns"));
        assertEquals("12.3 ms", TableReport.format(12_300_000, "ns"));
        assertEquals("1.25 s", TableReport.format(1_250_000_000, "ns"));
        assertEquals("13,418 B", TableReport.format(13_418, "B"));
        assertEquals("50.3k/s", TableReport.format(50_300, "/s"));
        assertEquals("448/s", TableReport.format(448, "/s"));
    }
}
