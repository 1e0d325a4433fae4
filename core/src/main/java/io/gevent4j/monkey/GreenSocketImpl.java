package io.gevent4j.monkey;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link SocketImpl} of every {@link java.net.Socket} once {@link Monkey#patchSocket()}
 * ran: a non-blocking {@link SocketChannel} whose waits block only the calling greenlet
 * (on its hub's selector) and block any other thread as the JDK's socket does.
 *
 * <p>Follows the JDK's {@code NioSocketImpl} where a caller can tell: {@code SO_TIMEOUT}
 * limits each read ({@link java.net.SocketTimeoutException} "Read timed out", the socket
 * stays usable); one reader and one writer at a time (others wait their turn); a close from
 * any thread wakes blocked readers and writers with {@code SocketException("Socket closed")}.
 * A {@code Timeout} or kill raised in a greenlet waiting here ends the wait as the JDK's
 * interrupt does: the socket is closed (the {@code Socket}'s {@code isClosed()} too, in a
 * greenlet other than a main one) and the library gets
 * {@code SocketException("Closed by interrupt")}, so a connection pool discards the
 * connection instead of reusing one left mid-reply; the exception itself is raised at the
 * greenlet's next gevent4j call (a {@code Timeout} closed meanwhile withdraws it). A
 * {@link Thread#interrupt()} of a greenlet waiting here closes the socket as well, as the
 * JDK's socket does in a virtual thread (a {@code StructuredTaskScope} cancelling its forks).
 * Where it differs: an interrupt of a thread without a hub closes the socket whether the
 * thread is virtual or not; urgent data and {@code SO_OOBINLINE} are not supported.
 */
final class GreenSocketImpl extends ChannelSocketImpl {

    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ChannelStep readStep = this::readHolding;
    private final ChannelStep writeStep = this::writeHolding;
    private final ChannelStep availableStep = (b, off, len) -> availableHolding();
    private final Window readWindow = new Window();
    private final Window writeWindow = new Window();
    private SocketChannel channel;
    private DirectionWait reading;
    private DirectionWait writing;
    private DirectionWait connecting;
    private boolean inputShutdown;
    /** The last read got fewer bytes than asked: the next one waits for readiness before it tries. */
    private boolean drained;
    /** Bytes {@link #available()} read ahead, handed out by the next reads; {@code null} until it is called. */
    private ByteBuffer readAhead;
    private InputStream input;
    private OutputStream output;

    @Override
    protected void create(boolean stream) throws IOException {
        requireStream(stream);
        open(SocketChannel.open());
    }

    /** Makes this impl the connected socket {@code accepted}; called by {@link GreenServerSocketImpl#accept}. */
    void accepted(SocketChannel accepted) throws IOException {
        open(accepted);
        InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteAddress();
        address = remote.getAddress();
        port = remote.getPort();
        localport = localPort(accepted);
    }

    private void open(SocketChannel ch) throws IOException {
        channel = nonBlocking(ch);
        reading = DirectionWait.reading(this::close, ch);
        writing = DirectionWait.writing(this::close, ch);
        connecting = DirectionWait.connecting(this::close, ch);
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress remote, int millis) throws IOException {
        if (!(remote instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException("unsupported address type: " + remote);
        }
        if (inet.isUnresolved()) {
            throw new UnknownHostException(inet.getHostName());
        }
        ensureOpen();
        long deadline = deadline(millis);
        try {
            if (!channel.connect(inet)) {
                do {
                    connecting.await(deadline, "Connect timed out");
                } while (!channel.finishConnect());
            }
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        } catch (InterruptedIOException e) {
            if (e instanceof SocketTimeoutException) {
                throw e;
            }
            // Socket.connect passes its impl's exception on as it is, unlike its streams and
            // ServerSocket.accept: the impl says "Closed by interrupt" itself, as the JDK's does
            throw new SocketException(DirectionWait.CLOSED_BY_INTERRUPT, e);
        } finally {
            connecting.close(); // its watcher must not stay armed: a connected socket is always "connectable"
        }
        address = inet.getAddress();
        port = inet.getPort();
        localport = localPort(channel);
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        ensureOpen();
        channel.bind(new InetSocketAddress(host, port));
        localport = localPort(channel);
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw new SocketException("a client socket cannot listen");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw new SocketException("a client socket cannot accept");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        ensureOpen();
        if (input == null) {
            input = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return GreenSocketImpl.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return GreenSocketImpl.this.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return GreenSocketImpl.this.available();
                }

                @Override
                public void close() throws IOException {
                    GreenSocketImpl.this.close();
                }
            };
        }
        return input;
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        ensureOpen();
        if (output == null) {
            output = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    GreenSocketImpl.this.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    GreenSocketImpl.this.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    GreenSocketImpl.this.close();
                }
            };
        }
        return output;
    }

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return holding(readLock, readStep, b, off, len);
    }

    /** {@link #read} holding the read lock. */
    private int readHolding(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (inputShutdown) {
            return -1;
        }
        if (readAhead != null && readAhead.position() > 0) {
            return takeReadAhead(b, off, len);
        }
        ByteBuffer dst = readWindow.over(b, off, len);
        long deadline = timeoutDeadline();
        if (drained) {
            drained = false;
            reading.await(deadline, "Read timed out");
        }
        int n;
        while ((n = channel.read(dst)) == 0) {
            reading.await(deadline, "Read timed out");
        }
        drained = n > 0 && n < len;
        return n;
    }

    private int takeReadAhead(byte[] b, int off, int len) {
        readAhead.flip();
        int n = Math.min(len, readAhead.remaining());
        readAhead.get(b, off, n);
        readAhead.compact();
        return n;
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        holding(writeLock, writeStep, b, off, len);
    }

    /** {@link #write} holding the write lock. */
    private int writeHolding(byte[] b, int off, int len) throws IOException {
        ByteBuffer src = writeWindow.over(b, off, len);
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) {
                writing.await(0, "Write timed out");
            }
        }
        return len;
    }

    /**
     * Bytes that can be read without blocking, as far as this socket knows: it reads ahead
     * what the kernel holds (up to 8 KiB) without waiting and hands it to the next reads.
     */
    @Override
    protected int available() throws IOException {
        return holding(readLock, availableStep, NO_BYTES, 0, 0);
    }

    /** {@link #available} holding the read lock. */
    private int availableHolding() throws IOException {
        if (inputShutdown) {
            return 0;
        }
        if (readAhead == null) {
            readAhead = ByteBuffer.allocate(8192);
        }
        if (readAhead.hasRemaining()) {
            channel.read(readAhead);
        }
        return readAhead.position();
    }

    /**
     * A heap buffer over the caller's array, reused while the caller passes the same array
     * (a stream's reader or writer usually does), so a read or write allocates none. The
     * buffer is held weakly: the socket never keeps a caller's array (a large one, or one
     * holding a secret) reachable; after a collection the next call wraps it again. One per
     * direction, used under its lock.
     */
    private static final class Window {
        private WeakReference<ByteBuffer> last;

        ByteBuffer over(byte[] b, int off, int len) {
            ByteBuffer buffer = last == null ? null : last.get();
            if (buffer == null || buffer.array() != b) {
                buffer = ByteBuffer.wrap(b);
                last = new WeakReference<>(buffer);
            }
            return buffer.limit(off + len).position(off);
        }
    }

    @Override
    NetworkChannel channel() {
        return channel;
    }

    @Override
    void release() throws IOException {
        closeAll(channel, reading, writing, connecting);
    }

    @Override
    protected void shutdownInput() throws IOException {
        ensureOpen();
        channel.shutdownInput();
        inputShutdown = true;
    }

    @Override
    protected void shutdownOutput() throws IOException {
        ensureOpen();
        channel.shutdownOutput();
    }

    @Override
    protected boolean supportsUrgentData() {
        return false;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported by the patched socket");
    }
}
