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
 * The parsers of setting values, each with what it accepts in words. A parser returns the
 * value or throws {@link IllegalArgumentException}, whose message {@link Config} replaces
 * with one that names the setting and what it accepts.
 */
final class Values {

    /**
     * A parser of a setting's text and what it accepts, in the words of a
     * {@link ConfigException} and of the documentation's table: the two are stated together
     * so that they cannot drift apart.
     */
    record Parser<T>(String accepts, Function<String, T> function) {

        /** The value {@code text} stands for; throws {@link IllegalArgumentException} if it is not accepted. */
        T parse(String text) {
            return function.apply(text);
        }
    }

    /** {@code true}/{@code yes}/{@code on}/{@code 1} or {@code false}/{@code no}/{@code off}/{@code 0}. */
    static final Parser<Boolean> BOOLEAN = new Parser<>("true or false (also yes/no, on/off, 1/0)", Values::bool);
    /**
     * A positive duration: seconds as a decimal number, as gevent takes it, a number with ms, s,
     * m or h, or ISO-8601 ({@code PT10S}, as {@link Duration#parse}).
     */
    static final Parser<Duration> DURATION = new Parser<>(
            "a positive duration: seconds (1.5), a number with ms, s, m or h (1500ms) or ISO-8601 (PT1.5S)",
            Values::duration);
    /** A positive number of bytes, with an optional k, m or g (binary multiples). */
    static final Parser<Long> SIZE = new Parser<>("a positive number of bytes with an optional k, m or g",
            Values::size);
    /** {@code none} (empty) or a {@link #SIZE}. */
    static final Parser<OptionalLong> OPTIONAL_SIZE = new Parser<>("none, or " + SIZE.accepts(),
            Values::optionalSize);
    /** A file path that is not empty. */
    static final Parser<Path> PATH = new Parser<>("a file path", Values::path);

    private static final Pattern DURATION_TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE_TEXT = Pattern.compile("(\\d+)\\s*([kmg])?");

    private Values() {
    }

    /** An integer from {@code min} to {@code max}. */
    static Parser<Integer> integer(int min, int max) {
        return new Parser<>("an integer from " + min + " to " + max, text -> {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                throw new IllegalArgumentException("out of range");
            }
            return n;
        });
    }

    /** {@code cores}, the number of available processors, or an integer from 1 to {@code max}. */
    static Parser<Integer> cores(int max) {
        Parser<Integer> integer = integer(1, max);
        return new Parser<>("cores (one per available processor) or " + integer.accepts(),
                text -> text.equalsIgnoreCase("cores") ? Runtime.getRuntime().availableProcessors() : integer.parse(text));
    }

    /** One of {@code choices} (two or more), ignoring case; the value is the choice as listed. */
    static Parser<String> choice(String... choices) {
        List<String> list = List.of(choices);
        String accepts = String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.getLast();
        return new Parser<>(accepts, text -> list.stream()
                .filter(c -> c.equalsIgnoreCase(text))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a choice")));
    }

    private static Boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static Duration duration(String text) {
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
        Matcher m = DURATION_TEXT.matcher(text.toLowerCase(Locale.ROOT));
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

    private static OptionalLong optionalSize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("none")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(size(lower));
    }

    private static long size(String text) {
        Matcher m = SIZE_TEXT.matcher(text.toLowerCase(Locale.ROOT));
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

    private static Path path(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return Path.of(text);
    }
}
