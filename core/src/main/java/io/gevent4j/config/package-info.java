/**
 * gevent4j's configuration (gevent's {@code gevent.config}): {@link io.gevent4j.config.Config}
 * reads every setting from a system property {@code gevent4j.NAME} or an environment variable
 * {@code GEVENT4J_NAME}, checks it at start-up and offers it through typed accessors.
 */
package io.gevent4j.config;
