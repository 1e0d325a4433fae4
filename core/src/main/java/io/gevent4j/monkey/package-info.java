/**
 * gevent's {@code gevent.monkey}: opt-in, JVM-wide patches of JDK blocking APIs.
 * {@link io.gevent4j.monkey.Monkey#patchSocket()} makes every {@link java.net.Socket} and
 * {@link java.net.ServerSocket} wait on the hub's own selector inside greenlets (and block
 * other threads as before), for unmodified libraries such as JDBC drivers and Redis clients.
 */
package io.gevent4j.monkey;
