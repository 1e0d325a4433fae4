package io.gevent4j.resolver;

import java.io.IOException;
import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The DNS wire format (RFC 1035) as far as a stub resolver needs it: builds a recursive
 * query for one name and type, and parses a response into its header, question and
 * answer records, with name compression. Anything that does not follow the format throws
 * {@link MalformedException} instead of being guessed at. Stateless; thread-safe.
 */
final class DnsMessage {

    static final int TYPE_A = 1;
    static final int TYPE_CNAME = 5;
    static final int TYPE_SOA = 6;
    static final int TYPE_PTR = 12;
    static final int TYPE_AAAA = 28;
    static final int TYPE_OPT = 41;
    /** The UDP payload size offered with EDNS0: the size DNS Flag Day 2020 agreed on, which avoids IP fragmentation. */
    static final int EDNS_UDP_SIZE = 1232;
    static final int CLASS_IN = 1;

    static final int RCODE_NOERROR = 0;
    static final int RCODE_FORMERR = 1;
    static final int RCODE_SERVFAIL = 2;
    static final int RCODE_NXDOMAIN = 3;

    private static final int MAX_NAME = 255;
    private static final int MAX_POINTER_JUMPS = 64;

    /** A response that does not follow the DNS message format. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    /** One resource record; {@code target} is the decoded name of a CNAME or PTR record. */
    record Record(String name, int type, long ttl, byte[] data, String target) {
    }

    /**
     * A parsed response. {@code negativeTtl} is the TTL of an authority SOA record (for
     * caching a negative answer), or -1.
     */
    record Response(int id, boolean isResponse, int rcode, boolean truncated, String qname, int qtype,
                    List<Record> answers, long negativeTtl) {
    }

    private DnsMessage() {
    }

    /**
     * A query with recursion desired for {@code name} (no trailing dot) of {@code type}; with
     * {@code edns}, it carries an EDNS0 OPT record (RFC 6891) offering UDP answers of up to
     * {@link #EDNS_UDP_SIZE} bytes, so that larger answers need no TCP round trip.
     *
     * @throws IllegalArgumentException if the name is not a valid DNS name
     */
    static byte[] query(int id, String name, int type, boolean edns) {
        ByteBuffer b = ByteBuffer.allocate(12 + MAX_NAME + 2 + 4 + 11);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) (edns ? 1 : 0));
        writeName(b, name);
        b.putShort((short) type).putShort((short) CLASS_IN);
        if (edns) {
            b.put((byte) 0).putShort((short) TYPE_OPT).putShort((short) EDNS_UDP_SIZE).putInt(0).putShort((short) 0);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** The ASCII form of {@code name} (IDNA for non-ASCII), lower case, without a trailing dot. */
    static String asciiName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        try {
            n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid host name: " + name, e);
        }
        return n.toLowerCase(Locale.ROOT);
    }

    /** Why {@code name} (ASCII, no trailing dot) cannot be sent in a query, or null if it can. */
    static String nameError(String name) {
        if (name.isEmpty()) {
            return null;
        }
        int wire = 1;
        for (String label : name.split("\\.", -1)) {
            int length = label.length();
            if (length == 0 || length > 63) {
                return "not a valid host name (label of " + length + " bytes): " + name;
            }
            wire += 1 + length;
        }
        return wire > MAX_NAME ? "host name longer than 255 bytes: " + name : null;
    }

    private static void writeName(ByteBuffer b, String name) {
        String error = nameError(name);
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        if (!name.isEmpty()) {
            for (String label : name.split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                b.put((byte) bytes.length).put(bytes);
            }
        }
        b.put((byte) 0);
    }

    /** Parses {@code length} bytes of {@code message}. */
    static Response parse(byte[] message, int length) throws MalformedException {
        ByteBuffer b = ByteBuffer.wrap(message, 0, length);
        need(b, 12, "header");
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        int qd = b.getShort() & 0xffff;
        int an = b.getShort() & 0xffff;
        int ns = b.getShort() & 0xffff;
        b.getShort(); // additional records are not needed
        boolean isResponse = (flags & 0x8000) != 0;
        boolean truncated = (flags & 0x0200) != 0;
        int rcode = flags & 0x000f;
        String qname = null;
        int qtype = -1;
        for (int i = 0; i < qd; i++) {
            String n = readName(b, message, length);
            need(b, 4, "question");
            int t = b.getShort() & 0xffff;
            b.getShort();
            if (i == 0) {
                qname = n;
                qtype = t;
            }
        }
        List<Record> answers = new ArrayList<>(an);
        long negativeTtl = -1;
        if (truncated) {
            return new Response(id, isResponse, rcode, true, qname, qtype, answers, negativeTtl);
        }
        for (int i = 0; i < an + ns; i++) {
            String owner = readName(b, message, length);
            need(b, 10, "resource record");
            int type = b.getShort() & 0xffff;
            int cls = b.getShort() & 0xffff;
            long ttl = b.getInt() & 0xffffffffL;
            if (ttl > Integer.MAX_VALUE) {
                ttl = 0; // RFC 2181: a TTL with the top bit set is read as zero
            }
            int rdlength = b.getShort() & 0xffff;
            need(b, rdlength, "record data");
            int dataStart = b.position();
            byte[] data = new byte[rdlength];
            b.get(data);
            if (i >= an) {
                if (type == TYPE_SOA && cls == CLASS_IN) {
                    negativeTtl = soaNegativeTtl(message, length, dataStart, rdlength, ttl);
                }
                continue;
            }
            if (cls != CLASS_IN) {
                continue;
            }
            String target = null;
            if (type == TYPE_CNAME || type == TYPE_PTR) {
                ByteBuffer rd = ByteBuffer.wrap(message, 0, dataStart + rdlength).position(dataStart);
                target = readName(rd, message, length);
            } else if (type == TYPE_A && rdlength != 4 || type == TYPE_AAAA && rdlength != 16) {
                throw new MalformedException("address record of " + rdlength + " bytes for " + owner);
            }
            answers.add(new Record(owner, type, ttl, data, target));
        }
        return new Response(id, isResponse, rcode, false, qname, qtype, List.copyOf(answers), negativeTtl);
    }

    private static long soaNegativeTtl(byte[] message, int length, int start, int rdlength, long ttl)
            throws MalformedException {
        ByteBuffer rd = ByteBuffer.wrap(message, 0, start + rdlength).position(start);
        readName(rd, message, length);
        readName(rd, message, length);
        need(rd, 20, "SOA record");
        rd.position(rd.position() + 16);
        long minimum = rd.getInt() & 0xffffffffL;
        return Math.min(ttl, minimum);
    }

    private static String readName(ByteBuffer b, byte[] message, int length) throws MalformedException {
        StringBuilder name = new StringBuilder();
        int pos = b.position();
        int limit = b.limit();
        int jumps = 0;
        int end = -1;
        while (true) {
            if (pos >= limit) {
                throw new MalformedException("name runs past the end of the message");
            }
            int len = message[pos] & 0xff;
            if ((len & 0xc0) == 0xc0) {
                if (pos + 1 >= limit) {
                    throw new MalformedException("compression pointer runs past the end of the message");
                }
                if (++jumps > MAX_POINTER_JUMPS) {
                    throw new MalformedException("compression pointer loop");
                }
                if (end < 0) {
                    end = pos + 2;
                }
                pos = ((len & 0x3f) << 8) | (message[pos + 1] & 0xff);
                limit = length;
                continue;
            }
            if ((len & 0xc0) != 0) {
                throw new MalformedException("unknown label type " + Integer.toHexString(len));
            }
            pos++;
            if (len == 0) {
                break;
            }
            if (pos + len > limit) {
                throw new MalformedException("label runs past the end of the message");
            }
            if (!name.isEmpty()) {
                name.append('.');
            }
            for (int i = 0; i < len; i++) {
                char c = (char) (message[pos + i] & 0xff);
                if (c == '.') {
                    throw new MalformedException("a label contains a dot"); // it would read as two labels
                }
                name.append(Character.toLowerCase(c));
            }
            if (name.length() > MAX_NAME) {
                throw new MalformedException("name longer than 255 bytes");
            }
            pos += len;
        }
        b.position(end >= 0 ? end : pos);
        return name.toString();
    }

    private static void need(ByteBuffer b, int n, String what) throws MalformedException {
        if (b.remaining() < n) {
            throw new MalformedException(what + " truncated: " + b.remaining() + " of " + n + " bytes");
        }
    }
}
