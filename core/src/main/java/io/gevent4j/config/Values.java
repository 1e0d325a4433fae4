package io.gevent4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsers of setting values: each returns the value or throws
 * {@link IllegalArgumentException}, whose message {@link Config} replaces with one that names
 * the setting and what it accepts.
 */
final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg])?");

    private Values() {
    }

    /** An integer from {@code min} to {@code max}. */
    static Function<String, Integer> integer(int min, int max) {
        return text -> {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                throw new IllegalArgumentException("out of range");
            }
            return n;
        };
    }

    /** {@code true}/{@code yes}/{@code on}/{@code 1} or {@code false}/{@code no}/{@code off}/{@code 0}. */
    static Boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    /**
     * A positive duration: seconds as a decimal number, as gevent takes it, a number with ms, s,
     * m or h, or ISO-8601 ({@code PT10S}, as {@link Duration#parse}).
     */
    static Duration duration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            Duration d;
            try {
                d = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration", e);
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("out of range");
            }
            return d;
        }
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanosPerUnit = switch (unit) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        long nanos = Math.round(amount * nanosPerUnit);
        if (nanos <= 0 || amount * nanosPerUnit >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("out of range");
        }
        return Duration.ofNanos(nanos);
    }

    /** A positive number of bytes, with an optional k, m or g (binary multiples); {@code none} is empty. */
    static OptionalLong optionalSize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("none")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(size(lower));
    }

    /** A positive number of bytes, with an optional k, m or g (binary multiples). */
    static long size(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        long n = Long.parseLong(m.group(1));
        if (n <= 0 || n > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("out of range");
        }
        return n << shift;
    }

    /** One of {@code choices}, ignoring case; the value is the choice as listed. */
    static Function<String, String> choice(List<String> choices) {
        return text -> choices.stream()
                .filter(c -> c.equalsIgnoreCase(text))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a choice"));
    }

    /** A file path that is not empty. */
    static Path path(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return Path.of(text);
    }
}
