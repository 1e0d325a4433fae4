/** Group and Pool: sets of greenlets, bounded or not, with map/imap helpers (gevent.pool). */
package io.gevent4j.pool;
