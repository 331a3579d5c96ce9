package dev.sockerless.aca.localhost;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DNS rebinding protection of the local host: a web page on {@code evil.example} whose name the attacker re-points
 * to 127.0.0.1 reaches this server with {@code Host: evil.example:7071}, and the browser lets the page read the
 * answers. So a request is served only when its {@code Host} names this server: {@code 127.0.0.1}, {@code localhost},
 * {@code [::1]} or the host of {@code SOCKERLESS_LISTEN}, with the bound port (no port only when it is 80). A missing
 * {@code Host} is refused too (Kestrel answers 400 to an HTTP/1.1 request without one).
 *
 * <p>Local only: the real Functions host sits behind Azure's front end, which routes by the app's own host name, so
 * no foreign name reaches it.
 */
final class HostHeaderCheck {

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\[\\]:/@\\s]+)(?::(\\d{1,5}))?");

    private final Set<String> names;
    private final int port;

    /**
     * @param listenHost the host part of {@code SOCKERLESS_LISTEN} as written (a name or an address literal), or null
     * @param bound      the address the server is bound to (its port is the one {@code Host} must name)
     */
    HostHeaderCheck(String listenHost, InetSocketAddress bound) {
        java.util.HashSet<String> n = new java.util.HashSet<>(Set.of("127.0.0.1", "localhost", "[::1]"));
        if (listenHost != null && !listenHost.isBlank()) {
            String h = listenHost.trim().toLowerCase(Locale.ROOT);
            n.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h);
        }
        this.names = Set.copyOf(n);
        this.port = bound.getPort();
    }

    /** True when {@code host} (the request's {@code Host} header, null when absent) names this server. */
    boolean allows(String host) {
        if (host == null) {
            return false;
        }
        var m = HOST_PORT.matcher(host.trim());
        if (!m.matches()) {
            return false;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        if (name.endsWith(".") && !name.startsWith("[")) {
            name = name.substring(0, name.length() - 1); // "localhost." is "localhost"
        }
        int p = m.group(2) == null ? 80 : Integer.parseInt(m.group(2));
        return p == port && names.contains(name);
    }
}
