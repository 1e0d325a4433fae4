/** A pool of real threads whose results greenlets wait for cooperatively (gevent.threadpool). */
package io.gevent4j.threadpool;
