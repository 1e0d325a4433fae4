package io.gevent4j.config;

/**
 * A configuration value that a setting does not accept. The message names each such setting
 * (its system property or environment variable), the value found and what the setting
 * accepts. Thrown by {@link Config#get()} and so by the first use of a hub.
 */
public final class ConfigException extends IllegalArgumentException {

    ConfigException(String message) {
        super(message);
    }
}
