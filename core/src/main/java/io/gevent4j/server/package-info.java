/**
 * Servers that run a handler in a greenlet of its own for each connection or datagram
 * (gevent.server, gevent.baseserver).
 *
 * <ul>
 *   <li>{@link io.gevent4j.server.StreamServer}: TCP or UNIX-domain, optionally TLS; the
 *       handler gets the connection's socket and the peer's address.</li>
 *   <li>{@link io.gevent4j.server.DatagramServer}: UDP; the handler gets each datagram and
 *       its sender's address, and answers with {@code sendTo}.</li>
 *   <li>{@link io.gevent4j.server.BaseServer}: their shared lifecycle
 *       ({@code start}, {@code serveForever}, {@code stop}, {@code close}), the limit on
 *       concurrent handlers, and how errors are reported.</li>
 * </ul>
 *
 * <p>Everything here belongs to the hub that created it and is hub-thread only; a server
 * given a {@link io.gevent4j.hub.HubGroup} ({@code hubGroup}) runs its handlers on the hubs
 * of the group.
 */
package io.gevent4j.server;
