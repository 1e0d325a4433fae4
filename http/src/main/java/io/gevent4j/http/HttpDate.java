package io.gevent4j.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header's value (IMF-fixdate) and the access log's timestamp, formatted
 * once per second rather than per response. One per server; hub-thread only.
 */
final class HttpDate {

    private static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);

    private long second = Long.MIN_VALUE;
    private String imf;
    private String clf;

    /** Now, as the {@code Date} header shows it. */
    String header() {
        refresh();
        return imf;
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
            imf = IMF.format(instant);
            clf = CLF.format(instant);
        }
    }
}
