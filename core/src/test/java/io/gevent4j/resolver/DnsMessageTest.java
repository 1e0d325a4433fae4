package io.gevent4j.resolver;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class DnsMessageTest {

    /** A response header with id 0x1234, NOERROR, and the given section counts. */
    private static ByteArrayOutputStream header(int qd, int an) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{0x12, 0x34, (byte) 0x81, (byte) 0x80, 0, (byte) qd, 0, (byte) an, 0, 0, 0, 0});
        return b;
    }

    private static void question(ByteArrayOutputStream b) {
        b.writeBytes(DnsTestServer.Answer.name("a.test"));
        b.writeBytes(new byte[]{0, 1, 0, 1});
    }

    /** An A record owned by the name at offset 12 (the question's), with {@code ttl} and {@code data}. */
    private static void aRecord(ByteArrayOutputStream b, int ttl, byte[] data) {
        b.writeBytes(new byte[]{(byte) 0xc0, 12, 0, 1, 0, 1, (byte) (ttl >>> 24), (byte) (ttl >>> 16), (byte) (ttl >>> 8),
                (byte) ttl, 0, (byte) data.length});
        b.writeBytes(data);
    }

    private static DnsMessage.Response parse(ByteArrayOutputStream b) throws DnsMessage.MalformedException {
        byte[] m = b.toByteArray();
        return DnsMessage.parse(m, m.length);
    }

    private static String malformed(ByteArrayOutputStream b) {
        return assertThrows(DnsMessage.MalformedException.class, () -> parse(b)).getMessage();
    }

    @Test
    void compressedNamesAndTopBitTtls() throws Exception {
        ByteArrayOutputStream b = header(1, 1);
        question(b);
        aRecord(b, 0x80000000, new byte[]{10, 0, 0, 1});
        DnsMessage.Response r = parse(b);
        assertEquals(0x1234, r.id());
        assertEquals("a.test", r.qname());
        assertEquals("a.test", r.answers().getFirst().name());
        assertEquals(0, r.answers().getFirst().ttl(), "RFC 2181: a TTL with the top bit set reads as zero");
    }

    @Test
    void aCompressionPointerLoopIsMalformed() {
        ByteArrayOutputStream b = header(1, 0);
        b.writeBytes(new byte[]{(byte) 0xc0, 12}); // points at itself
        b.writeBytes(new byte[]{0, 1, 0, 1});
        assertTrue(malformed(b).contains("loop"));
    }

    @Test
    void truncatedMessagesAreMalformed() {
        assertTrue(malformed(cut(header(0, 0), 5)).contains("header"));
        ByteArrayOutputStream b = header(1, 1);
        question(b);
        aRecord(b, 60, new byte[]{10, 0, 0, 1});
        assertTrue(malformed(cut(b, 2)).contains("record data"));
        ByteArrayOutputStream pointer = header(1, 0);
        pointer.writeBytes(new byte[]{(byte) 0xc0}); // a pointer cut in half
        assertTrue(malformed(pointer).contains("past the end"));
        ByteArrayOutputStream label = header(1, 0);
        label.writeBytes(new byte[]{10, 'a', 'b'}); // a 10-byte label with 2 bytes
        assertTrue(malformed(label).contains("past the end"));
    }

    @Test
    void anAddressOfTheWrongSizeIsMalformed() {
        ByteArrayOutputStream b = header(1, 1);
        question(b);
        aRecord(b, 60, new byte[]{10, 0, 0});
        assertTrue(malformed(b).contains("address record of 3 bytes"));
    }

    @Test
    void aNameLongerThan255BytesThroughPointersIsMalformed() {
        ByteArrayOutputStream b = header(1, 0);
        // at offset 12: five 63-byte labels, the last pointing back to the first
        for (int i = 0; i < 4; i++) {
            b.write(63);
            b.writeBytes("x".repeat(63).getBytes());
        }
        b.writeBytes(new byte[]{(byte) 0xc0, 12});
        assertTrue(malformed(b).matches(".*(longer than 255|loop).*"));
    }

    @Test
    void aLabelContainingADotIsMalformed() {
        // "a.b" as one label would read as two labels and corrupt every name comparison
        ByteArrayOutputStream b = header(1, 0);
        b.writeBytes(new byte[]{3, 'a', '.', 'b', 0, 0, 1, 0, 1});
        assertTrue(malformed(b).contains("label"));
    }

    @Test
    void anUnknownLabelTypeIsMalformed() {
        ByteArrayOutputStream b = header(1, 0);
        b.writeBytes(new byte[]{0x41, 0, 0, 1, 0, 1});
        assertTrue(malformed(b).contains("label type"));
    }

    private static ByteArrayOutputStream cut(ByteArrayOutputStream b, int drop) {
        byte[] m = b.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(m, 0, m.length - drop);
        return out;
    }
}
