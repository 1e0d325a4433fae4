package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a response's status line and header fields, and checks them first: a name that is
 * not a token, or a value holding CR, LF, another control byte or a character beyond
 * Latin-1, is refused with {@link IllegalArgumentException} before a byte is written, so a
 * handler cannot split a response. Stateless; any thread.
 */
final class ResponseHead {

    private static final byte[][] STATUS_LINES = new byte[1000][];

    static {
        for (int code = 100; code < STATUS_LINES.length; code++) {
            STATUS_LINES[code] = ("HTTP/1.1 " + code + " " + Status.reason(code) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private ResponseHead() {
    }

    /** @throws IllegalArgumentException naming the first field that cannot be sent */
    static void validate(Headers headers) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty response header name");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c > 0x7e || c <= 0x20 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                    throw new IllegalArgumentException("response header name is not a token: " + name);
                }
            }
            for (String value : e.getValue()) {
                if (value == null) {
                    continue;
                }
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                        throw new IllegalArgumentException("response header " + name
                                + " holds a character that cannot be sent: U+" + Integer.toHexString(c));
                    }
                }
            }
        }
    }

    /** Whether the handler's headers ask to close the connection. */
    static boolean asksClose(Headers headers) {
        List<String> values = headers.get("Connection");
        if (values != null) {
            for (String v : values) {
                if (v != null && v.toLowerCase(java.util.Locale.ROOT).contains("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Writes the head of a {@code code} response (100 to 999) with {@code headers} (already
     * validated) and {@code dateLine}, the {@code Date} field's line with its CRLF.
     */
    static void write(ConnectionOutput out, int code, Headers headers, byte[] dateLine) throws IOException {
        byte[] line = STATUS_LINES[code];
        out.write(line, 0, line.length);
        out.write(dateLine, 0, dateLine.length);
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase("Date")) {
                continue;
            }
            for (String value : e.getValue()) {
                out.writeLatin1(e.getKey());
                out.writeLatin1(": ");
                out.writeLatin1(value == null ? "" : value);
                out.writeLatin1("\r\n");
            }
        }
        out.writeLatin1("\r\n");
    }
}
