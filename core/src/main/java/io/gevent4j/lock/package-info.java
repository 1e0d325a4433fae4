/** Semaphore, BoundedSemaphore, DummySemaphore and RLock (a java.util.concurrent.locks.Lock) for greenlets, thread-safe across hubs (gevent.lock). */
package io.gevent4j.lock;
