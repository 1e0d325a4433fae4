/** Cooperative TCP, UDP and UNIX-domain sockets on the hub's selector, their streams, TLS and select (gevent.socket, gevent.ssl, gevent.select). */
package io.gevent4j.socket;
