package io.gevent4j.resolver;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.IoWait;
import io.gevent4j.hub.Waiter;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How the DNS client waits: for a TCP channel to connect, take a query or give an answer,
 * and for another lookup's result. Cooperatively on a hub (the calling greenlet parks, the
 * hub runs others, the channel is non-blocking) or, for threads that are not greenlets, by
 * blocking the thread (the channel is blocking, with socket timeouts: no selector of its
 * own). The TCP waits end with {@link SocketTimeoutException} at the deadline; the channel is
 * the caller's, which closes it whatever ends the exchange.
 */
abstract sealed class Readiness {

    /** Connects {@code channel}, new and in the blocking mode it was opened in, to {@code server}. */
    abstract void connect(SocketChannel channel, InetSocketAddress server, long deadline) throws IOException;

    /** Writes all of {@code data}, a DNS query (a few hundred bytes), to the connected {@code channel}. */
    abstract void write(SocketChannel channel, ByteBuffer data, long deadline) throws IOException;

    /**
     * Reads into {@code buffer}, which has room, at least one byte from the connected
     * {@code channel}, waiting until {@code deadline} ({@link System#nanoTime()}) at most.
     *
     * @return how many bytes, or -1 at the end of the stream
     */
    abstract int read(SocketChannel channel, ByteBuffer buffer, long deadline) throws IOException;

    /**
     * Waits until {@code result}, which another lookup (of any thread) completes, is done.
     *
     * @throws InterruptedIOException if the thread is interrupted meanwhile (off a hub)
     */
    abstract void await(CompletableFuture<?> result) throws InterruptedIOException;

    /** Waits on the hub of the calling greenlet, the channel non-blocking and watched by the hub's loop: hub-thread only. */
    static final class OnHub extends Readiness {
        private final Hub hub;

        OnHub(Hub hub) {
            this.hub = hub;
        }

        Hub hub() {
            return hub;
        }

        @Override
        void connect(SocketChannel channel, InetSocketAddress server, long deadline) throws IOException {
            channel.configureBlocking(false);
            if (!channel.connect(server)) {
                await(channel, SelectionKey.OP_CONNECT, deadline);
                channel.finishConnect();
            }
        }

        @Override
        void write(SocketChannel channel, ByteBuffer data, long deadline) throws IOException {
            while (data.hasRemaining()) {
                if (channel.write(data) == 0) {
                    await(channel, SelectionKey.OP_WRITE, deadline);
                }
            }
        }

        @Override
        int read(SocketChannel channel, ByteBuffer buffer, long deadline) throws IOException {
            int n;
            while ((n = channel.read(buffer)) == 0) {
                await(channel, SelectionKey.OP_READ, deadline);
            }
            return n;
        }

        private void await(SelectableChannel channel, int ops, long deadline) throws SocketTimeoutException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("timed out");
            }
            try (IoWait wait = new IoWait(hub, channel, ops)) {
                if (!wait.await(Duration.ofNanos(left))) {
                    throw new SocketTimeoutException("timed out");
                }
            }
        }

        /** Parks the greenlet on a waiter that the completion wakes through the hub's thread-safe entry. */
        @Override
        void await(CompletableFuture<?> result) {
            if (result.isDone()) {
                return;
            }
            Waiter<Void> waiter = new Waiter<>(hub);
            result.whenComplete((v, e) -> hub.loop().runCallbackThreadsafe(() -> {
                if (!waiter.ready()) {
                    waiter.switchTo(null);
                }
            }));
            waiter.get();
        }
    }

    /**
     * Blocks the calling thread: for platform threads and the JDK's own virtual threads. The
     * channel stays blocking; connecting and reading wait at most until the deadline (the
     * socket's connect and read timeouts), and writing a query never waits, since it fits
     * in a new connection's send buffer. An interrupt closes the channel, as blocking NIO
     * does ({@link java.nio.channels.ClosedByInterruptException}, the interrupt status set).
     */
    static final class Blocking extends Readiness {

        @Override
        void connect(SocketChannel channel, InetSocketAddress server, long deadline) throws IOException {
            channel.socket().connect(server, millisLeft(deadline));
        }

        @Override
        void write(SocketChannel channel, ByteBuffer data, long deadline) throws IOException {
            while (data.hasRemaining()) {
                channel.write(data);
            }
        }

        @Override
        int read(SocketChannel channel, ByteBuffer buffer, long deadline) throws IOException {
            Socket socket = channel.socket();
            socket.setSoTimeout(millisLeft(deadline));
            int n = socket.getInputStream().read(buffer.array(), buffer.arrayOffset() + buffer.position(),
                    buffer.remaining());
            if (n > 0) {
                buffer.position(buffer.position() + n);
            }
            return n;
        }

        /** What is left until {@code deadline}, rounded up to a whole millisecond (a socket timeout of 0 is none). */
        private static int millisLeft(long deadline) throws SocketTimeoutException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("timed out");
            }
            return (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
        }

        @Override
        void await(CompletableFuture<?> result) throws InterruptedIOException {
            try {
                result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the same lookup of another thread");
            } catch (ExecutionException | CancellationException e) {
                // done: the caller reads the outcome
            }
        }
    }
}
