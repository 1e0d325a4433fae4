/** Name resolution that does not block the hub: threadpool-backed and a pure-Java DNS client (gevent.resolver). */
package io.gevent4j.resolver;
