package io.gevent4j.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header's line (IMF-fixdate) and the access log's timestamp, formatted
 * once per second rather than per response. One per server and hub; hub-thread only.
 */
final class HttpDate {

    private static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);

    private long second = Long.MIN_VALUE;
    private byte[] line;
    private String clf;

    /** Now, as the response's {@code Date} header line: {@code Date: Sat, 05 Dec 2026 04:45:10 GMT} and CRLF. Not to be changed. */
    byte[] headerLine() {
        refresh();
        return line;
    }

    /** Now, as Common Log Format shows it ({@code 04/Dec/2026:20:45:10 +0000}). */
    String logTimestamp() {
        refresh();
        return clf;
    }

    private void refresh() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            second = now;
            Instant instant = Instant.ofEpochSecond(now);
            line = ("Date: " + IMF.format(instant) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            clf = CLF.format(instant);
        }
    }
}
