/** Event and AsyncResult: one-shot and resettable signals between greenlets of a hub (gevent.event). */
package io.gevent4j.event;
