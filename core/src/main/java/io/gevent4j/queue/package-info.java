/** The Queue family (Queue, SimpleQueue, PriorityQueue, LifoQueue, Channel) between greenlets of a hub (gevent.queue). */
package io.gevent4j.queue;
