/** Semaphore, BoundedSemaphore, DummySemaphore and RLock for greenlets (gevent.lock). */
package io.gevent4j.lock;
