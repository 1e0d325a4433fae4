package io.gevent4j.bench.table;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapHistogramTest {

    private static HeapHistogram histogram(long total, String... classLines) throws IOException {
        List<String> lines = new ArrayList<>(List.of("4242:",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------"));
        lines.addAll(List.of(classLines));
        lines.add("Total         33525        " + total);
        return HeapHistogram.parse(lines);
    }

    @Test
    void theTotalIsTheBytesOfTheTotalLine() throws IOException {
        HeapHistogram h = histogram(1538568, "   1:          9443         426272  [B (java.base@25.0.3)");
        assertEquals(1538568, h.totalBytes());
    }

    @Test
    void changesArePerClassLargestGrowthFirstAndShrinkingClassesAreNamed() throws IOException {
        HeapHistogram before = histogram(1500,
                "   1:            10           1000  [B (java.base@25.0.3)",
                "   2:             5            100  java.lang.String (java.base@25.0.3)",
                "   3:             1            400  [Ljava.lang.Object; (java.base@25.0.3)");
        HeapHistogram after = histogram(9100,
                "   1:            20           2000  [B (java.base@25.0.3)",
                "   2:             5            100  java.lang.String (java.base@25.0.3)",
                "   3:           100           6000  jdk.internal.vm.StackChunk (java.base@25.0.3)");
        assertEquals(List.of(new HeapHistogram.Entry("jdk.internal.vm.StackChunk", 100, 6000),
                new HeapHistogram.Entry("[B", 10, 1000),
                new HeapHistogram.Entry("[Ljava.lang.Object;", -1, -400)), after.changesSince(before));
        String text = after.describeGrowth(before, 100, 1);
        assertTrue(text.contains("76 B per connection") && text.contains("60.0 B") && text.contains("StackChunk")
                && !text.contains("[B"), text);
        assertTrue(text.contains("shrank") && text.contains("-4.0 B") && text.contains("[Ljava.lang.Object;"), text);
    }

    @Test
    void anOutputWithoutTotalIsAnError() {
        assertThrows(IOException.class, () -> HeapHistogram.parse(List.of("4242:", "Could not attach")));
    }
}
