package io.gevent4j.http;

import com.sun.net.httpserver.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Header names as {@link Headers} spells its keys (first letter upper case, the rest lower:
 * {@code Content-type}), made without allocating for the names requests and responses
 * commonly carry: those are shared constants, and a name already spelled so is returned as
 * it is. Stateless; any thread.
 */
final class HeaderNames {

    /** Common field names, in {@link Headers}' spelling; the first five are the ones the parser acts on. */
    static final String[] KNOWN = {
        "Host", "Connection", "Content-length", "Transfer-encoding", "Expect", "Content-type",
        "User-agent", "Accept", "Accept-encoding", "Accept-language", "Cookie", "Authorization",
        "Referer", "Cache-control", "Upgrade", "Origin", "Pragma", "Keep-alive", "Te", "Trailer",
        "Date", "Server", "Location", "Set-cookie", "Last-modified", "Etag", "Content-encoding",
    };
    static final int HOST = 0, CONNECTION = 1, CONTENT_LENGTH = 2, TRANSFER_ENCODING = 3, EXPECT = 4;
    private static final byte[][] KNOWN_LOWER = new byte[KNOWN.length][];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            KNOWN_LOWER[i] = KNOWN[i].toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private HeaderNames() {
    }

    /** The index in {@link #KNOWN} of the name {@code a[from, to)}, ignoring case, or -1. */
    static int known(byte[] a, int from, int to) {
        int n = to - from;
        for (int k = 0; k < KNOWN_LOWER.length; k++) {
            byte[] name = KNOWN_LOWER[k];
            if (name.length == n && equalsLowerCase(a, from, name)) {
                return k;
            }
        }
        return -1;
    }

    /** The name {@code a[from, to)} (Latin-1) in {@link Headers}' spelling. */
    static String canonical(byte[] a, int from, int to) {
        int known = known(a, from, to);
        if (known >= 0) {
            return KNOWN[known];
        }
        byte[] name = new byte[to - from];
        for (int j = 0; j < name.length; j++) {
            int b = a[from + j];
            if (j == 0 && b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            } else if (j > 0 && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            name[j] = (byte) b;
        }
        return new String(name, StandardCharsets.ISO_8859_1);
    }

    /** {@code key} in {@link Headers}' spelling: itself if it is spelled so already. */
    static String normalize(String key) {
        int n = key.length();
        if (n == 0 || isCanonical(key)) {
            return key;
        }
        for (String name : KNOWN) {
            if (name.length() == n && equalsIgnoringAsciiCase(name, key)) {
                return name;
            }
        }
        char[] c = key.toCharArray();
        if (c[0] >= 'a' && c[0] <= 'z') {
            c[0] -= 'a' - 'A';
        }
        for (int j = 1; j < n; j++) {
            if (c[j] >= 'A' && c[j] <= 'Z') {
                c[j] += 'a' - 'A';
            }
        }
        return new String(c);
    }

    private static boolean isCanonical(String key) {
        char first = key.charAt(0);
        if (first >= 'a' && first <= 'z') {
            return false;
        }
        for (int j = 1; j < key.length(); j++) {
            char c = key.charAt(j);
            if (c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code a} and {@code b}, of the same length, differ only in the case of ASCII letters. */
    private static boolean equalsIgnoringAsciiCase(String a, String b) {
        for (int j = 0; j < a.length(); j++) {
            if (lower(a.charAt(j)) != lower(b.charAt(j))) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Whether {@code a} from {@code from} holds {@code lower} (ASCII, lower case), ignoring the case of ASCII letters. */
    static boolean equalsLowerCase(byte[] a, int from, byte[] lower) {
        for (int j = 0; j < lower.length; j++) {
            int b = a[from + j];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[j]) {
                return false;
            }
        }
        return true;
    }
}
