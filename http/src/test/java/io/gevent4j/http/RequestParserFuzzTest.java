package io.gevent4j.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bounded fuzz run of the request-head parser: a seeded random mutator (byte flips,
 * inserted separators and control bytes, splices, truncations) over valid and hostile
 * requests, fed through {@link RequestParser} exactly as a connection feeds it. Each input
 * must end as "incomplete", a valid head, or a refusal with one of the statuses the parser
 * documents: never another exception, never a hang; a valid head's header map (made lazily
 * from the lines the parser validated) and its target (shared through one
 * {@link RequestTargets}) are read back. Seeded, so a failure repeats; bounded in count and time.
 */
class RequestParserFuzzTest {

    private static final long SEED = 0x6765766e74346aL;
    private static final int MAX_INPUTS = 100_000;
    private static final Duration MAX_TIME = Duration.ofSeconds(10);
    private static final Set<Integer> STATUSES = Set.of(400, 413, 414, 417, 431, 505);
    private static final byte[] INTERESTING = " \t\r\n:;,\0\u007f\u00ff0aF-+/%".getBytes(StandardCharsets.ISO_8859_1);
    private static final List<String> SEEDS = List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: keep-alive, close\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
            "GET http://example.org/p HTTP/1.0\r\nUser-Agent: f\r\nAccept: */*\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: a\r\nX-A:  v  \r\nCookie: a=b; c=d\r\n\r\n");
    private static final HttpServerLimits LIMITS = HttpServerLimits.SAFE.withSizes(256, 512, 12, 1 << 20);
    /** One cache for every input, as a hub's connections share one: hits and collisions are fuzzed too. */
    private static final RequestTargets TARGETS = new RequestTargets();

    @Test
    void mutatedRequestsEndInAHeadOrADocumentedRefusal() {
        Random random = new Random(SEED);
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        int heads = 0, refusals = 0, incomplete = 0, inputs = 0;
        for (; inputs < MAX_INPUTS && System.nanoTime() < deadline; inputs++) {
            byte[] input = mutate(SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1), random);
            try {
                RequestHead head = parseAsAConnectionDoes(input, random);
                if (head == null) {
                    incomplete++;
                } else {
                    assertTrue(!head.method().isEmpty() && head.contentLength() >= 0, head.toString());
                    assertTrue(!(head.chunked() && head.contentLength() > 0), head.toString());
                    assertEquals(head.headers().size(), head.headers().keySet().size(), head.toString());
                    assertEquals(head.target(), head.uri().toString(), head.toString());
                    heads++;
                }
            } catch (HttpStatusException e) {
                assertTrue(STATUSES.contains(e.status()), () -> e + " for " + printable(input));
                refusals++;
            } catch (RuntimeException e) {
                fail("parser threw " + e + " for " + printable(input), e);
            }
        }
        assertEquals(inputs, heads + refusals + incomplete);
        assertTrue(heads > 0 && refusals > 0, "the mutator reached both outcomes: " + heads + " heads, " + refusals + " refusals");
    }

    /** Feeds {@code input} in random pieces, scanning as {@link Connection} scans, then parses the head. */
    private static RequestHead parseAsAConnectionDoes(byte[] input, Random random) throws HttpStatusException {
        int from = RequestParser.leadingEmptyLines(input, 0, input.length);
        int available = from;
        int scanned = 0;
        while (available < input.length) {
            available = Math.min(input.length, available + 1 + random.nextInt(16));
            int end = RequestParser.headEnd(input, from, available, scanned, LIMITS);
            if (end >= 0) {
                return RequestParser.parse(input, from, end, LIMITS, TARGETS);
            }
            scanned = available - from;
        }
        return null;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed;
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int at = random.nextInt(b.length + 1);
            switch (random.nextInt(6)) {
                case 0 -> { // flip a byte
                    if (at < b.length) {
                        b = b.clone();
                        b[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = insert(b, at, new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]});
                case 2 -> { // delete a run
                    int len = Math.min(b.length - Math.min(at, b.length), random.nextInt(8));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, Math.min(at, b.length));
                    System.arraycopy(b, Math.min(at, b.length) + len, c, Math.min(at, b.length), b.length - Math.min(at, b.length) - len);
                    b = c;
                }
                case 3 -> { // splice a piece of another seed
                    byte[] other = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1);
                    int start = random.nextInt(other.length);
                    int len = Math.min(other.length - start, 1 + random.nextInt(24));
                    b = insert(b, at, java.util.Arrays.copyOfRange(other, start, start + len));
                }
                case 4 -> b = insert(b, at, "9".repeat(random.nextInt(30)).getBytes(StandardCharsets.US_ASCII));
                default -> b = insert(b, at, "X".repeat(random.nextInt(600)).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] c = new byte[b.length + piece.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(piece, 0, c, at, piece.length);
        System.arraycopy(b, at, c, at + piece.length, b.length - at);
        return c;
    }

    private static String printable(byte[] input) {
        StringBuilder sb = new StringBuilder();
        for (byte x : input) {
            int c = x & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
