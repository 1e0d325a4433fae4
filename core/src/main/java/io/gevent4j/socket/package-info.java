/**
 * Cooperative TCP, UDP and UNIX-domain sockets on the hub's loop, their streams, TLS and
 * select (gevent.socket, gevent.ssl, gevent.select).
 *
 * <ul>
 *   <li>{@link io.gevent4j.socket.StreamSocket} (TCP or UNIX-domain, connected),
 *       {@link io.gevent4j.socket.ListeningSocket}, {@link io.gevent4j.socket.UdpSocket}:
 *       watched by the loop of the hub that made them: TCP sockets are gevent4j's own over
 *       file descriptors where the loop watches them (Linux's epoll), the others non-blocking
 *       NIO channels registered in the hub's selector. Reads,
 *       writes, accepts and connects block the calling greenlet only, honour the socket's
 *       {@code setTimeout} ({@link java.net.SocketTimeoutException}) and can be interrupted
 *       by a {@link io.gevent4j.Timeout} or a kill without harming the socket.
 *       {@code getInputStream()}/{@code getOutputStream()} are gevent's {@code makefile}.</li>
 *   <li>{@link io.gevent4j.socket.TlsSocket}: TLS over a {@code StreamSocket} through the
 *       JDK's {@link javax.net.ssl.SSLEngine}.</li>
 *   <li>{@link io.gevent4j.socket.Sockets}: {@code createConnection}, and
 *       {@code waitRead}/{@code waitWrite}/{@code waitReadWrite}/{@code cancelWait} on any
 *       non-blocking {@link java.nio.channels.SelectableChannel}.</li>
 *   <li>{@link io.gevent4j.socket.Select#select} and {@link io.gevent4j.socket.Poll}.</li>
 * </ul>
 *
 * <p>One greenlet may wait to read and another to write on one socket at the same time; a
 * second waiter in the same direction gets {@link io.gevent4j.socket.ConcurrentObjectUseException}.
 * Closing a socket wakes its waiters with {@link java.nio.channels.AsynchronousCloseException}.
 * Everything here is hub-thread only.
 */
package io.gevent4j.socket;
