package io.gevent4j.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration setting: its name, its default, what values it accepts and how its text
 * becomes a value. A setting named {@code threadpoolSize} is read from the system property
 * {@code gevent4j.threadpoolSize} or, when that is not set, from the environment variable
 * {@code GEVENT4J_THREADPOOL_SIZE} (camel humps and dots become underscores).
 *
 * <p>Immutable and thread-safe. The settings are the constants of {@link Config}.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {

    private final String name;
    private final String defaultText;
    private final String description;
    private final Values.Parser<T> parser;

    /**
     * A setting whose values {@code parser} reads and states in words; {@code defaultText}
     * must be one it accepts.
     */
    Setting(String name, String defaultText, String description, Values.Parser<T> parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
        this.description = Objects.requireNonNull(description, "description");
        this.parser = Objects.requireNonNull(parser, "parser");
        parser.parse(defaultText);
    }

    /** The setting's name, such as {@code threadpoolSize}. */
    public String name() {
        return name;
    }

    /** The system property that sets it: {@code gevent4j.} and the name. */
    public String propertyName() {
        return "gevent4j." + name;
    }

    /** The environment variable that sets it when the system property is absent: {@code GEVENT4J_...}. */
    public String environmentName() {
        StringBuilder env = new StringBuilder("GEVENT4J_");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                env.append('_');
            } else {
                if (Character.isUpperCase(c)) {
                    env.append('_');
                }
                env.append(c);
            }
        }
        return env.toString().toUpperCase(Locale.ROOT);
    }

    /** The default, as text a user could write. */
    public String defaultText() {
        return defaultText;
    }

    /** What values the setting accepts, in words. */
    public String accepts() {
        return parser.accepts();
    }

    /** What the setting controls. */
    public String description() {
        return description;
    }

    /**
     * The value that {@code text} sets.
     *
     * @throws IllegalArgumentException if the setting does not accept {@code text}
     */
    T parse(String text) {
        return parser.parse(text.strip());
    }

    @Override
    public String toString() {
        return propertyName();
    }
}
