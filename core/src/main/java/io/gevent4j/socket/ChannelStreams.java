package io.gevent4j.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The {@link InputStream} and {@link OutputStream} views of a cooperative byte channel
 * (gevent's {@code makefile}), shared by {@link StreamSocket} and {@link TlsSocket}. They
 * block the calling greenlet only, as the channel does, and throw what it throws
 * ({@link java.net.SocketTimeoutException} when the socket's timeout passes). Closing either
 * closes the socket, as with {@link java.net.Socket}. Unbuffered: wrap them in a
 * {@link java.io.BufferedInputStream} or {@link java.io.BufferedOutputStream} for small
 * reads and writes. Each is made on first use, once per channel. Hub-thread only.
 */
final class ChannelStreams {

    private final ByteChannel channel;
    private final IntSupplier available;
    private final Writer writer;
    private InputStream input;
    private OutputStream output;

    /**
     * The streams of {@code channel}: the input's {@code read} waits for at least one byte
     * and its {@code available()} is {@code available}'s answer; the output gives
     * {@code writer} everything it is given before returning.
     */
    ChannelStreams(ByteChannel channel, IntSupplier available, Writer writer) {
        this.channel = channel;
        this.available = available;
        this.writer = writer;
    }

    /** The stream that reads from the channel. */
    InputStream input() {
        if (input == null) {
            input = new Input(channel, available);
        }
        return input;
    }

    /** The stream that writes to the channel. */
    OutputStream output() {
        if (output == null) {
            output = new Output(channel, writer);
        }
        return output;
    }

    /** Writes all of a buffer to the channel. */
    @FunctionalInterface
    interface Writer {
        void writeAll(ByteBuffer src) throws IOException;
    }

    private static final class Input extends InputStream {
        private final ByteChannel channel;
        private final IntSupplier available;
        private final byte[] one = new byte[1];
        private ByteBuffer wrapped;
        private byte[] wrappedArray;

        Input(ByteChannel channel, IntSupplier available) {
            this.channel = channel;
            this.available = available;
        }

        @Override
        public int available() throws IOException {
            if (!channel.isOpen()) {
                throw new IOException("stream closed");
            }
            return available.getAsInt();
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            return channel.read(wrap(b, off, len));
        }

        private ByteBuffer wrap(byte[] b, int off, int len) {
            if (wrappedArray != b) {
                wrapped = ByteBuffer.wrap(b);
                wrappedArray = b;
            }
            return wrapped.limit(off + len).position(off);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class Output extends OutputStream {
        private final ByteChannel channel;
        private final Writer writer;
        private final byte[] one = new byte[1];
        private ByteBuffer wrapped;
        private byte[] wrappedArray;

        Output(ByteChannel channel, Writer writer) {
            this.channel = channel;
            this.writer = writer;
        }

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (wrappedArray != b) {
                wrapped = ByteBuffer.wrap(b);
                wrappedArray = b;
            }
            writer.writeAll(wrapped.limit(off + len).position(off));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
