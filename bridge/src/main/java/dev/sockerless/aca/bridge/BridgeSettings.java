package dev.sockerless.aca.bridge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bridge's settings (environment variables; Java system properties of the same name win).
 *
 * @param listen       {@code SOCKERLESS_BRIDGE_LISTEN}, default {@code 127.0.0.1:2375}; a non-loopback address only
 *                     with {@code SOCKERLESS_BRIDGE_ALLOW_REMOTE=true}
 * @param allowRemote  {@code SOCKERLESS_BRIDGE_ALLOW_REMOTE}
 * @param allowedHosts {@code SOCKERLESS_BRIDGE_ALLOWED_HOSTS}: further {@code Host} names accepted besides loopback ones
 * @param app          {@code SOCKERLESS_BRIDGE_APP}: the app's base URL (required)
 * @param key          {@code SOCKERLESS_BRIDGE_KEY}: the function key sent as {@code x-functions-key}
 * @param requestLimit {@code SOCKERLESS_BRIDGE_REQUEST_LIMIT}: the Functions request body limit (104857600)
 * @param uploadUrl    {@code SOCKERLESS_BRIDGE_UPLOAD_URL}: blob container for archives above the limit
 * @param uploadConnection {@code SOCKERLESS_BRIDGE_UPLOAD_CONNECTION}: its connection string (else DefaultAzureCredential)
 * @param timeout      {@code SOCKERLESS_BRIDGE_TIMEOUT_SECONDS}: wait for the app's reply head (240: past Azure's 230 s)
 * @param connectTimeout {@code SOCKERLESS_BRIDGE_CONNECT_TIMEOUT_SECONDS} (10)
 * @param retryPause   {@code SOCKERLESS_BRIDGE_RETRY_MILLIS}: pause before asking again when a long-poll answered at once (500)
 */
public record BridgeSettings(
        InetSocketAddress listen,
        boolean allowRemote,
        List<String> allowedHosts,
        URI app,
        Optional<String> key,
        long requestLimit,
        Optional<URI> uploadUrl,
        Optional<String> uploadConnection,
        Duration timeout,
        Duration connectTimeout,
        Duration retryPause) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:2375";
    public static final long DEFAULT_REQUEST_LIMIT = 104_857_600L;

    public BridgeSettings {
        if (!listen.getAddress().isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException("SOCKERLESS_BRIDGE_LISTEN " + listen
                    + " is not a loopback address: the bridge serves the Docker API without authentication and sends "
                    + "your function key; set SOCKERLESS_BRIDGE_ALLOW_REMOTE=true to listen there anyway");
        }
        String scheme = app.getScheme();
        if (!("https".equals(scheme) || "http".equals(scheme)) || app.getHost() == null) {
            throw new IllegalArgumentException("SOCKERLESS_BRIDGE_APP must be an http(s) URL such as "
                    + "https://<app>.azurewebsites.net, not '" + app + "'");
        }
        if (requestLimit <= 0) {
            throw new IllegalArgumentException("SOCKERLESS_BRIDGE_REQUEST_LIMIT must be positive");
        }
    }

    /** Reads the settings from system properties, then the environment. */
    public static BridgeSettings fromEnvironment() {
        return from(name -> Optional.ofNullable(System.getProperty(name))
                .or(() -> Optional.ofNullable(System.getenv(name)))
                .filter(v -> !v.isBlank())
                .map(String::trim)
                .orElse(null));
    }

    public static BridgeSettings from(Map<String, String> values) {
        return from(name -> Optional.ofNullable(values.get(name))
                .filter(v -> !v.isBlank())
                .map(String::trim)
                .orElse(null));
    }

    static BridgeSettings from(Function<String, String> get) {
        String app = get.apply("SOCKERLESS_BRIDGE_APP");
        if (app == null) {
            throw new IllegalArgumentException("SOCKERLESS_BRIDGE_APP is not set: the app's URL, e.g. "
                    + "https://<app>.azurewebsites.net (or the local host's http://127.0.0.1:7071)");
        }
        return new BridgeSettings(
                parseListen(Optional.ofNullable(get.apply("SOCKERLESS_BRIDGE_LISTEN"))
                        .orElse(DEFAULT_LISTEN)),
                "true".equalsIgnoreCase(get.apply("SOCKERLESS_BRIDGE_ALLOW_REMOTE")),
                Optional.ofNullable(get.apply("SOCKERLESS_BRIDGE_ALLOWED_HOSTS"))
                        .map(v -> Arrays.stream(v.split(","))
                                .map(String::trim)
                                .filter(s -> !s.isEmpty())
                                .toList())
                        .orElse(List.of()),
                URI.create(app),
                Optional.ofNullable(get.apply("SOCKERLESS_BRIDGE_KEY")),
                number(get, "SOCKERLESS_BRIDGE_REQUEST_LIMIT", DEFAULT_REQUEST_LIMIT),
                Optional.ofNullable(get.apply("SOCKERLESS_BRIDGE_UPLOAD_URL")).map(URI::create),
                Optional.ofNullable(get.apply("SOCKERLESS_BRIDGE_UPLOAD_CONNECTION")),
                Duration.ofSeconds(number(get, "SOCKERLESS_BRIDGE_TIMEOUT_SECONDS", 240)),
                Duration.ofSeconds(number(get, "SOCKERLESS_BRIDGE_CONNECT_TIMEOUT_SECONDS", 10)),
                Duration.ofMillis(number(get, "SOCKERLESS_BRIDGE_RETRY_MILLIS", 500)));
    }

    private static long number(Function<String, String> get, String name, long fallback) {
        String v = get.apply(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive whole number, not '" + v + "'");
    }

    /** {@code host:port}, {@code :port} (loopback) or {@code [v6]:port}. */
    static InetSocketAddress parseListen(String spec) {
        String s = spec.trim();
        int colon = s.lastIndexOf(':');
        boolean bracketed = s.startsWith("[") && colon > 0 && s.charAt(colon - 1) == ']';
        if (colon < 0 || (!bracketed && s.indexOf(':') != colon)) {
            throw new IllegalArgumentException(
                    "SOCKERLESS_BRIDGE_LISTEN '" + s + "': expected host:port, :port or [addr]:port");
        }
        String host = bracketed ? s.substring(1, colon - 1) : colon == 0 ? "127.0.0.1" : s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("SOCKERLESS_BRIDGE_LISTEN '" + s + "': invalid port");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("SOCKERLESS_BRIDGE_LISTEN '" + s + "': unknown host");
        }
    }

    /** Never the key or the connection string. */
    @Override
    public String toString() {
        return "BridgeSettings[listen=" + listen + ", app=" + app + ", key=" + (key.isPresent() ? "(set)" : "(none)")
                + ", requestLimit=" + requestLimit + ", uploadUrl="
                + uploadUrl.map(URI::toString).orElse("(none)")
                + ", uploadConnection=" + (uploadConnection.isPresent() ? "(set)" : "(none)") + "]";
    }
}
