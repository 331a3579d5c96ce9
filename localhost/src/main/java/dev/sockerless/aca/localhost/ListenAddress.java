package dev.sockerless.aca.localhost;

import java.net.InetSocketAddress;

/** Parses {@code SOCKERLESS_LISTEN}: {@code host:port}, {@code :port} (loopback) or {@code [v6]:port}. */
public final class ListenAddress {

    /** The app's own default for the setting. */
    public static final String DEFAULT = dev.sockerless.aca.config.Settings.Key.SOCKERLESS_LISTEN
            .defaultValue()
            .orElseThrow();

    private ListenAddress() {}

    public static InetSocketAddress parse(String spec) {
        String s = spec == null || spec.isBlank() ? DEFAULT : spec.trim();
        String[] parts = split(s);
        int p;
        try {
            p = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in listen address '" + s + "'");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("invalid port in listen address '" + s + "'");
        }
        InetSocketAddress a = new InetSocketAddress(parts[0], p);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve host in listen address '" + s + "'");
        }
        return a;
    }

    /** {host, port} as written; {@code :port} is loopback, brackets are removed. */
    private static String[] split(String s) {
        String host;
        String port;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || end + 1 >= s.length() || s.charAt(end + 1) != ':') {
                throw new IllegalArgumentException("invalid listen address '" + s + "': expected [addr]:port");
            }
            host = s.substring(1, end);
            port = s.substring(end + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException(
                        "invalid listen address '" + s + "': expected host:port, :port or [addr]:port");
            }
            host = colon == 0 ? "127.0.0.1" : s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        return new String[] {host, port};
    }
}
