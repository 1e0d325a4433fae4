package io.gevent4j.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses a request head straight from the connection's bytes (RFC 9112, strictly): one pass
 * that validates every line and reads the fields that frame the body and the connection,
 * with no intermediate strings; the handler's {@link RequestHeaders} keep a copy of the
 * header lines and make their map only if the handler reads them, and a target seen before
 * reuses its string and {@link java.net.URI} ({@link RequestTargets}). Everything the
 * limits or the smuggling defences refuse is an {@link HttpStatusException} with its
 * status. Stateless; any thread (each caller brings its own {@link RequestTargets}).
 *
 * <p>Refused with 400: a bare LF anywhere in the head; a request line that is not {@code METHOD SP TARGET SP HTTP/D.D CRLF};
 * a target with bytes outside visible ASCII or that is not a URI; a header name that is not
 * a token or has whitespace before its colon; obs-fold; control bytes or a bare CR/LF in a
 * value; both {@code Content-Length} and {@code Transfer-Encoding}; differing or malformed
 * {@code Content-Length}s; a {@code Transfer-Encoding} other than one {@code chunked};
 * HTTP/1.1 without exactly one {@code Host}, or several in HTTP/1.0. 505 for a well-formed
 * version other than 1.0 and 1.1, 414/431/413 for the size limits, 417 for an
 * {@code Expect} other than {@code 100-continue}.
 */
final class RequestParser {

    /** {@code TCHAR[b]}: byte {@code b} may appear in a token (method, header name). */
    private static final boolean[] TCHAR = new boolean[256];
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int b = '0'; b <= '9'; b++) TCHAR[b] = true;
        for (int b = 'a'; b <= 'z'; b++) TCHAR[b] = true;
        for (int b = 'A'; b <= 'Z'; b++) TCHAR[b] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    }

    private RequestParser() {
    }

    /**
     * Where the head that starts at {@code from} ends: the index just past its blank line, or
     * -1 if {@code a[from, end)} does not hold all of it yet. {@code scanned} bytes from
     * {@code from} were already searched by an earlier call.
     *
     * @throws HttpStatusException 414 or 431 if what is there already breaks a limit
     */
    static int headEnd(byte[] a, int from, int end, int scanned, HttpServerLimits limits) throws HttpStatusException {
        for (int i = Math.max(from, from + scanned - 3); i < end; i++) {
            if (a[i] == '\n') {
                if (i == from || a[i - 1] != '\r') {
                    throw bad("bare LF in the request head");
                }
                if (i - from >= 3 && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    return i + 1;
                }
            }
        }
        int n = end - from;
        if (n > limits.maxRequestLineBytes() + 2 && indexOf(a, from, from + limits.maxRequestLineBytes() + 2, (byte) '\n') < 0) {
            throw new HttpStatusException(414, "request line longer than " + limits.maxRequestLineBytes() + " bytes");
        }
        if (n > limits.maxRequestLineBytes() + limits.maxHeaderBytes() + 4) {
            throw new HttpStatusException(431, "request header fields larger than " + limits.maxHeaderBytes() + " bytes");
        }
        return -1;
    }

    /** How many empty lines (CRLF) start {@code a[from, end)}, in bytes; they precede a request and are ignored. */
    static int leadingEmptyLines(byte[] a, int from, int end) {
        int i = from;
        while (i + 1 < end && a[i] == '\r' && a[i + 1] == '\n') {
            i += 2;
        }
        return i - from;
    }

    /**
     * Parses the head {@code a[from, end)}, which ends with its blank line; its target is
     * looked up in, and added to, {@code targets}.
     *
     * @throws HttpStatusException if the head is refused
     */
    static RequestHead parse(byte[] a, int from, int end, HttpServerLimits limits, RequestTargets targets)
            throws HttpStatusException {
        int lineEnd = indexOf(a, from, end, (byte) '\n');
        if (lineEnd - 1 - from > limits.maxRequestLineBytes()) {
            throw new HttpStatusException(414, "request line longer than " + limits.maxRequestLineBytes() + " bytes");
        }
        if (end - lineEnd - 1 > limits.maxHeaderBytes() + 2) {
            throw new HttpStatusException(431, "request header fields larger than " + limits.maxHeaderBytes() + " bytes");
        }
        int i = from;
        while (TCHAR[a[i] & 0xff]) {
            i++;
        }
        if (i == from || a[i] != ' ') {
            throw bad("malformed method");
        }
        String method = method(a, from, i);
        int targetStart = ++i;
        while (a[i] > 0x20 && a[i] < 0x7f) {
            i++;
        }
        if (i == targetStart || a[i] != ' ') {
            throw bad("malformed request target");
        }
        RequestTargets.Target target = targets.get(a, targetStart, i);
        int minor = version(a, i + 1, lineEnd - 1);
        return headers(a, lineEnd + 1, end, limits, method, target, minor);
    }

    private static RequestHead headers(byte[] a, int first, int end, HttpServerLimits limits, String method,
                                       RequestTargets.Target target, int minor) throws HttpStatusException {
        int count = 0, hosts = 0, encodings = 0;
        long contentLength = -1;
        boolean chunked = false, close = false, keepAlive = false, expectContinue = false;
        int i = first;
        while (!(a[i] == '\r' && a[i + 1] == '\n')) {
            if (a[i] == ' ' || a[i] == '\t') {
                throw bad("obs-fold (a header line starting with whitespace)");
            }
            if (++count > limits.maxHeaderCount()) {
                throw new HttpStatusException(431, "more than " + limits.maxHeaderCount() + " header fields");
            }
            int nameStart = i;
            while (TCHAR[a[i] & 0xff]) {
                i++;
            }
            if (i == nameStart || a[i] != ':') {
                throw bad(a[i] == ' ' || a[i] == '\t' ? "whitespace before a header's colon" : "malformed header name");
            }
            int known = HeaderNames.known(a, nameStart, i);
            i++;
            while (a[i] == ' ' || a[i] == '\t') {
                i++;
            }
            int valueStart = i;
            for (int b = a[i] & 0xff; b != '\r'; b = a[++i] & 0xff) {
                if ((b < 0x20 && b != '\t') || b == 0x7f) {
                    throw bad("control byte in a header value");
                }
            }
            if (a[i + 1] != '\n') {
                throw bad("bare CR in a header");
            }
            int valueEnd = i;
            while (valueEnd > valueStart && (a[valueEnd - 1] == ' ' || a[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            i += 2;
            switch (known) {
                case HeaderNames.HOST -> hosts++;
                case HeaderNames.CONTENT_LENGTH -> contentLength = contentLength(a, valueStart, valueEnd, contentLength, limits);
                case HeaderNames.TRANSFER_ENCODING -> {
                    String value = latin1(a, valueStart, valueEnd);
                    encodings++;
                    chunked = value.equalsIgnoreCase("chunked");
                    if (!chunked || encodings > 1) {
                        throw bad("Transfer-Encoding other than a single chunked: " + value);
                    }
                }
                case HeaderNames.CONNECTION -> {
                    for (int t = valueStart; t < valueEnd; ) {
                        int comma = indexOf(a, t, valueEnd, (byte) ',');
                        int tokenEnd = comma < 0 ? valueEnd : comma;
                        close |= isToken(a, t, tokenEnd, CLOSE);
                        keepAlive |= isToken(a, t, tokenEnd, KEEP_ALIVE);
                        t = tokenEnd + 1;
                    }
                }
                case HeaderNames.EXPECT -> {
                    String value = latin1(a, valueStart, valueEnd);
                    if (!value.equalsIgnoreCase("100-continue")) {
                        throw new HttpStatusException(417, "unsupported expectation: " + value);
                    }
                    expectContinue = minor == 1;
                }
                default -> { }
            }
        }
        if (chunked && contentLength >= 0) {
            throw bad("both Content-Length and Transfer-Encoding");
        }
        if (minor == 1 ? hosts != 1 : hosts > 1) {
            throw bad(hosts == 0 ? "HTTP/1.1 request without Host" : "several Host headers");
        }
        RequestHeaders headers = new RequestHeaders(Arrays.copyOfRange(a, first, i));
        return new RequestHead(method, target.text(), target.uri(), minor, headers, Math.max(contentLength, 0), chunked,
                close, keepAlive, expectContinue);
    }

    /** Whether {@code a[from, to)}, without the whitespace around it, is {@code lower} ignoring case. */
    private static boolean isToken(byte[] a, int from, int to, byte[] lower) {
        while (from < to && (a[from] == ' ' || a[from] == '\t')) {
            from++;
        }
        while (to > from && (a[to - 1] == ' ' || a[to - 1] == '\t')) {
            to--;
        }
        return to - from == lower.length && HeaderNames.equalsLowerCase(a, from, lower);
    }

    private static String latin1(byte[] a, int from, int to) {
        return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static long contentLength(byte[] a, int from, int to, long previous, HttpServerLimits limits)
            throws HttpStatusException {
        if (from == to || to - from > 18) {
            throw bad("malformed Content-Length: " + latin1(a, from, to));
        }
        long n = 0;
        for (int k = from; k < to; k++) {
            if (!digit(a[k])) {
                throw bad("malformed Content-Length: " + latin1(a, from, to));
            }
            n = n * 10 + (a[k] - '0');
        }
        if (previous >= 0 && previous != n) {
            throw bad("differing Content-Lengths");
        }
        if (n > limits.maxBodyBytes()) {
            throw new HttpStatusException(413, "body of " + n + " bytes over the limit of " + limits.maxBodyBytes());
        }
        return n;
    }

    /** {@code HTTP/1.x} at {@code a[i, end)}: the minor version, 0 or 1. */
    private static int version(byte[] a, int i, int end) throws HttpStatusException {
        if (end - i != 8 || a[i] != 'H' || a[i + 1] != 'T' || a[i + 2] != 'T' || a[i + 3] != 'P' || a[i + 4] != '/'
                || !digit(a[i + 5]) || a[i + 6] != '.' || !digit(a[i + 7])) {
            throw bad("malformed HTTP version");
        }
        if (a[i + 5] != '1' || (a[i + 7] != '0' && a[i + 7] != '1')) {
            throw new HttpStatusException(505, "HTTP version not supported");
        }
        return a[i + 7] - '0';
    }

    private static String method(byte[] a, int from, int to) {
        int n = to - from;
        if (n == 3 && a[from] == 'G' && a[from + 1] == 'E' && a[from + 2] == 'T') {
            return "GET";
        }
        if (n == 4 && a[from] == 'P' && a[from + 1] == 'O' && a[from + 2] == 'S' && a[from + 3] == 'T') {
            return "POST";
        }
        if (n == 4 && a[from] == 'H' && a[from + 1] == 'E' && a[from + 2] == 'A' && a[from + 3] == 'D') {
            return "HEAD";
        }
        return new String(a, from, n, StandardCharsets.US_ASCII);
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static HttpStatusException bad(String message) {
        return new HttpStatusException(400, message);
    }
}
