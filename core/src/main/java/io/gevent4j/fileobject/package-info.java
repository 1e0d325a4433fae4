/**
 * Cooperative files and pipes (gevent's {@code gevent.fileobject}, its {@code FileObjectThread}):
 * streams and a channel whose blocking operations run on a threadpool while the calling
 * greenlet waits, {@link io.gevent4j.fileobject.FileObjects#stdin()} among them.
 */
package io.gevent4j.fileobject;
