/** Event and AsyncResult: a resettable flag and a one-time result that greenlets wait for (gevent.event). */
package io.gevent4j.event;
