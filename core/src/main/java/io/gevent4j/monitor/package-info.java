/**
 * Watching a running program (gevent's monitor thread and {@code gevent.util}): the
 * {@link io.gevent4j.monitor.BlockingMonitor} reports a hub whose loop stopped turning,
 * the {@link io.gevent4j.monitor.MemoryMonitor} reports the heap crossing a threshold,
 * {@link io.gevent4j.monitor.Monitoring} starts both from the settings (off by default).
 */
package io.gevent4j.monitor;
