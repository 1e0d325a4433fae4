package io.gevent4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * gevent4j's settings (gevent's {@code gevent.config}): each is read from the system property
 * {@code gevent4j.NAME} or, when that is absent, from the environment variable
 * {@code GEVENT4J_NAME} (see {@link Setting}), and otherwise takes its default. The table of
 * every setting with its default is {@code docs/configuration.md}.
 *
 * <p>{@link #get()} reads the settings once, when the first hub starts (or whoever asks
 * first), and checks every value: a value a setting does not accept is a
 * {@link ConfigException} naming the setting and what it accepts, so a misconfigured program
 * fails at start-up rather than when the setting is first used. A {@code Config} is
 * immutable; every method may be called from any thread.
 */
public final class Config {

    /** The resolver a hub uses: {@code thread} (the hub's threadpool), {@code native} (pure-Java DNS) or {@code blocking}. */
    public static final Setting<String> RESOLVER = new Setting<>("resolver", "thread",
            "the resolver a hub uses (gevent's GEVENT_RESOLVER)", Values.choice("thread", "native", "blocking"));
    /** Whether the JVM's own {@code InetAddress} lookups go through the native resolver: {@code system} or {@code native}. */
    public static final Setting<String> DNS = new Setting<>("dns", "system",
            "native routes every InetAddress lookup of the JVM through the pure-Java DNS client",
            Values.choice("system", "native"));
    /** The resolv.conf the native resolver reads. */
    public static final Setting<Path> DNS_RESOLV_CONF = new Setting<>("dns.resolvConf", "/etc/resolv.conf",
            "the resolv.conf the native resolver reads", Values.PATH);
    /** The hosts file the native resolver reads. */
    public static final Setting<Path> DNS_HOSTS = new Setting<>("dns.hosts", "/etc/hosts",
            "the hosts file the native resolver reads", Values.PATH);
    /** The port of the name servers the native resolver asks. */
    public static final Setting<Integer> DNS_PORT = new Setting<>("dns.port", "53",
            "the port of the name servers the native resolver asks", Values.integer(1, 65535));
    /** The size of a hub's own threadpool. */
    public static final Setting<Integer> THREADPOOL_SIZE = new Setting<>("threadpoolSize", "10",
            "how many threads a hub's threadpool runs at most (gevent's GEVENT_THREADPOOL_SIZE)",
            Values.integer(1, 10_000));
    /** Whether the blocking monitor runs. */
    public static final Setting<Boolean> MONITOR_THREAD = new Setting<>("monitorThread", "false",
            "whether the monitor thread watches the hubs for a blocked loop (gevent's monitor_thread)",
            Values.BOOLEAN);
    /** How long a hub's loop may go without turning before the monitor reports it. */
    public static final Setting<Duration> MAX_BLOCKING_TIME = new Setting<>("maxBlockingTime", "0.1",
            "how long a loop may not turn before the monitor reports a blocked hub (gevent's max_blocking_time)",
            Values.DURATION);
    /** How often the memory monitor looks at the heap. */
    public static final Setting<Duration> MEMORY_MONITOR_PERIOD = new Setting<>("memoryMonitorPeriod", "5",
            "how often the monitor compares the heap in use with maxMemoryUsage (gevent's memory_monitor_period)",
            Values.DURATION);
    /** The heap use above which the memory monitor reports, or none. */
    public static final Setting<OptionalLong> MAX_MEMORY_USAGE = new Setting<>("maxMemoryUsage", "none",
            "the heap in use above which the monitor reports (gevent's max_memory_usage); none turns it off",
            Values.OPTIONAL_SIZE);
    /** The longest HTTP request line the server reads. */
    public static final Setting<Long> HTTP_MAX_REQUEST_LINE_BYTES = new Setting<>("http.maxRequestLineBytes", "8k",
            "the longest request line the HTTP server reads (414 beyond)", Values.SIZE);
    /** The most header bytes of one HTTP request the server reads. */
    public static final Setting<Long> HTTP_MAX_HEADER_BYTES = new Setting<>("http.maxHeaderBytes", "32k",
            "the most header bytes of one request the HTTP server reads (431 beyond)", Values.SIZE);
    /** The most header fields of one HTTP request. */
    public static final Setting<Integer> HTTP_MAX_HEADER_COUNT = new Setting<>("http.maxHeaderCount", "100",
            "the most header fields of one request the HTTP server reads (431 beyond)", Values.integer(1, 100_000));
    /** The largest HTTP request body the server accepts. */
    public static final Setting<Long> HTTP_MAX_BODY_BYTES = new Setting<>("http.maxBodyBytes", "10m",
            "the largest request body the HTTP server accepts (413 beyond)", Values.SIZE);
    /** How long a client may take to send a request's headers. */
    public static final Setting<Duration> HTTP_HEADER_TIMEOUT = new Setting<>("http.headerTimeout", "10",
            "how long after its first byte a request head may take to arrive (408 beyond: the slowloris defence)",
            Values.DURATION);
    /** How long an idle keep-alive connection stays open. */
    public static final Setting<Duration> HTTP_IDLE_TIMEOUT = new Setting<>("http.idleTimeout", "30",
            "how long the HTTP server keeps an idle keep-alive connection open", Values.DURATION);
    /** How long one wait to read a request body or write a response may last. */
    public static final Setting<Duration> HTTP_IO_TIMEOUT = new Setting<>("http.ioTimeout", "60",
            "how long one wait to read a request body or to write a response may last before the connection ends",
            Values.DURATION);
    /** How a hub's loop waits for I/O: {@code auto}, {@code epoll} or {@code selector}. */
    public static final Setting<String> LOOP = new Setting<>("loop", "auto",
            "how a hub's loop waits for I/O (gevent's GEVENT_LOOP): epoll (an epoll of its own, Linux, needs native"
                    + " access), selector (the JDK's selector), auto (epoll where available, else selector)",
            Values.choice("auto", "epoll", "selector"));
    /** How many hubs a server runs on: a number or {@code cores}. */
    public static final Setting<Integer> HUBS_PER_SERVER = new Setting<>("hubsPerServer", "cores",
            "how many hubs a server spreads its connections over", Values.cores(1024));

    private static final List<Setting<?>> SETTINGS = List.of(RESOLVER, DNS, DNS_RESOLV_CONF, DNS_HOSTS, DNS_PORT,
            THREADPOOL_SIZE, MONITOR_THREAD, MAX_BLOCKING_TIME, MEMORY_MONITOR_PERIOD, MAX_MEMORY_USAGE,
            HTTP_MAX_REQUEST_LINE_BYTES, HTTP_MAX_HEADER_BYTES, HTTP_MAX_HEADER_COUNT, HTTP_MAX_BODY_BYTES,
            HTTP_HEADER_TIMEOUT, HTTP_IDLE_TIMEOUT, HTTP_IO_TIMEOUT, HUBS_PER_SERVER, LOOP);

    private static volatile Config current;

    private final Map<Setting<?>, Object> values;

    private Config(Map<Setting<?>, Object> values) {
        this.values = values;
    }

    /**
     * The process's configuration, read from the system properties and the environment on
     * the first call and the same object afterwards. Any thread.
     *
     * @throws ConfigException if a setting has a value it does not accept (on every call until fixed)
     */
    public static Config get() {
        Config c = current;
        if (c == null) {
            c = load(toMap(System.getProperties()), System.getenv());
            current = c;
        }
        return c;
    }

    /**
     * The configuration that {@code properties} (system-property names) and
     * {@code environment} (environment-variable names) give, checked as {@link #get()} checks
     * the process's.
     *
     * @throws ConfigException naming every setting whose value is not accepted
     */
    public static Config load(Map<String, String> properties, Map<String, String> environment) {
        Map<Setting<?>, Object> values = new IdentityHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Setting<?> s : SETTINGS) {
            String source = s.propertyName();
            String text = properties.get(source);
            if (text == null) {
                source = s.environmentName();
                text = environment.get(source);
            }
            if (text == null) {
                values.put(s, s.parse(s.defaultText()));
                continue;
            }
            try {
                values.put(s, s.parse(text));
            } catch (IllegalArgumentException e) {
                errors.add(source + "='" + text + "' is not accepted: " + s.name() + " takes " + s.accepts());
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("gevent4j configuration: " + String.join("; ", errors));
        }
        return new Config(values);
    }

    /** Every setting, in the order of the documentation's table. */
    public static List<Setting<?>> settings() {
        return SETTINGS;
    }

    /** The value of {@code setting}. */
    public <T> T value(Setting<T> setting) {
        @SuppressWarnings("unchecked")
        T v = (T) values.get(Objects.requireNonNull(setting, "setting"));
        return v;
    }

    /** {@link #RESOLVER}: {@code thread}, {@code native} or {@code blocking}. */
    public String resolver() {
        return value(RESOLVER);
    }

    /** {@link #DNS}: {@code system} or {@code native}. */
    public String dns() {
        return value(DNS);
    }

    /** {@link #DNS_RESOLV_CONF}. */
    public Path dnsResolvConf() {
        return value(DNS_RESOLV_CONF);
    }

    /** {@link #DNS_HOSTS}. */
    public Path dnsHosts() {
        return value(DNS_HOSTS);
    }

    /** {@link #DNS_PORT}. */
    public int dnsPort() {
        return value(DNS_PORT);
    }

    /** {@link #THREADPOOL_SIZE}. */
    public int threadpoolSize() {
        return value(THREADPOOL_SIZE);
    }

    /** {@link #MONITOR_THREAD}. */
    public boolean monitorThread() {
        return value(MONITOR_THREAD);
    }

    /** {@link #MAX_BLOCKING_TIME}. */
    public Duration maxBlockingTime() {
        return value(MAX_BLOCKING_TIME);
    }

    /** {@link #MEMORY_MONITOR_PERIOD}. */
    public Duration memoryMonitorPeriod() {
        return value(MEMORY_MONITOR_PERIOD);
    }

    /** {@link #MAX_MEMORY_USAGE}: empty when the memory monitor is off. */
    public OptionalLong maxMemoryUsage() {
        return value(MAX_MEMORY_USAGE);
    }

    /** {@link #HTTP_MAX_REQUEST_LINE_BYTES}. */
    public long httpMaxRequestLineBytes() {
        return value(HTTP_MAX_REQUEST_LINE_BYTES);
    }

    /** {@link #HTTP_MAX_HEADER_BYTES}. */
    public long httpMaxHeaderBytes() {
        return value(HTTP_MAX_HEADER_BYTES);
    }

    /** {@link #HTTP_MAX_HEADER_COUNT}. */
    public int httpMaxHeaderCount() {
        return value(HTTP_MAX_HEADER_COUNT);
    }

    /** {@link #HTTP_MAX_BODY_BYTES}. */
    public long httpMaxBodyBytes() {
        return value(HTTP_MAX_BODY_BYTES);
    }

    /** {@link #HTTP_HEADER_TIMEOUT}. */
    public Duration httpHeaderTimeout() {
        return value(HTTP_HEADER_TIMEOUT);
    }

    /** {@link #HTTP_IDLE_TIMEOUT}. */
    public Duration httpIdleTimeout() {
        return value(HTTP_IDLE_TIMEOUT);
    }

    /** {@link #HTTP_IO_TIMEOUT}. */
    public Duration httpIoTimeout() {
        return value(HTTP_IO_TIMEOUT);
    }

    /** {@link #HUBS_PER_SERVER}: {@code cores} is the number of available processors. */
    public int hubsPerServer() {
        return value(HUBS_PER_SERVER);
    }

    /** {@link #LOOP}. */
    public String loop() {
        return value(LOOP);
    }

    private static Map<String, String> toMap(Properties properties) {
        Map<String, String> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }
}
