/**
 * A live Java shell into the running process over TCP (gevent.backdoor):
 * {@link io.gevent4j.backdoor.BackdoorServer}. Read its security notes before using it.
 */
package io.gevent4j.backdoor;
