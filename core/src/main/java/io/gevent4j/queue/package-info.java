/** The Queue family (Queue, SimpleQueue, PriorityQueue, LifoQueue, Channel) between greenlets of a hub, each also a java.util.concurrent.BlockingQueue (gevent.queue). */
package io.gevent4j.queue;
