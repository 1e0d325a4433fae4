/** Group and Pool: sets of greenlets, bounded or not, with apply, map, imap and imapUnordered (gevent.pool). */
package io.gevent4j.pool;
