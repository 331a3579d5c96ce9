package dev.sockerless.aca.bridge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * DNS-rebinding guard: a web page can make a browser send requests to {@code 127.0.0.1:2375} under its own host
 * name, so only {@code Host} values naming loopback ({@code localhost}, {@code *.localhost}, loopback IP literals)
 * or one of {@code SOCKERLESS_BRIDGE_ALLOWED_HOSTS} (and the listen address itself when it is not loopback) are served.
 */
final class HostCheck {

    private final List<String> allowed;

    HostCheck(BridgeSettings settings) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        settings.allowedHosts().forEach(h -> names.add(h.toLowerCase(Locale.ROOT)));
        if (!settings.listen().getAddress().isAnyLocalAddress()) {
            names.add(settings.listen().getAddress().getHostAddress().toLowerCase(Locale.ROOT));
        }
        this.allowed = List.copyOf(names);
    }

    boolean allows(Optional<String> hostHeader) {
        if (hostHeader.isEmpty()) {
            return false;
        }
        String host = hostOnly(hostHeader.get().trim().toLowerCase(Locale.ROOT));
        if (host.equals("localhost") || host.endsWith(".localhost") || allowed.contains(host)) {
            return true;
        }
        if (!looksLikeIpLiteral(host)) {
            return false; // never resolve a name: that is what rebinding exploits
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String hostOnly(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    private static boolean looksLikeIpLiteral(String host) {
        return host.matches("[0-9.]+") || (host.contains(":") && host.matches("[0-9a-f:.]+"));
    }
}
