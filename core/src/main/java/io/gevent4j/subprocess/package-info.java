/**
 * Child processes that greenlets wait for cooperatively (gevent's {@code gevent.subprocess}):
 * {@link io.gevent4j.subprocess.Popen} over {@link java.lang.ProcessBuilder}, and
 * {@link io.gevent4j.subprocess.Subprocess}'s {@code call}, {@code checkCall},
 * {@code checkOutput} and {@code run}.
 */
package io.gevent4j.subprocess;
