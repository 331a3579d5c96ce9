package dev.sockerless.aca.registry;

import dev.sockerless.aca.errors.DockerApiException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps registry traffic (and the token realms and redirects registries name) away from the network the app runs
 * in: a host resolving to a loopback, link-local (incl. 169.254.169.254), private, carrier-grade NAT, unique-local
 * or unspecified address is refused, unless the request serves a registry the operator trusts
 * ({@code SOCKERLESS_INSECURE_REGISTRIES} or a mirror). Every hop is checked, redirects included.
 *
 * <p>The check resolves through the JVM's resolver, whose positive cache ({@code networkaddress.cache.ttl}, 30 s by
 * default) the HTTP client's connection then uses, so the address checked is the address connected; Java 17's
 * {@code HttpClient} offers no hook on the connected address itself.
 */
public final class OutboundGuard {

    private final Set<String> trusted;
    private final Function<String, InetAddress[]> resolver;

    private OutboundGuard(Collection<String> trustedAuthorities, Function<String, InetAddress[]> resolver) {
        this.trusted = trustedAuthorities.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    /** A guard trusting the given {@code host[:port]} authorities, resolving with the JVM's resolver. */
    public static OutboundGuard trusting(Collection<String> trustedAuthorities) {
        return new OutboundGuard(trustedAuthorities, OutboundGuard::resolve);
    }

    /** For tests: a custom resolver (e.g. a name resolving to 169.254.169.254). */
    static OutboundGuard trusting(Collection<String> trustedAuthorities, Function<String, InetAddress[]> resolver) {
        return new OutboundGuard(trustedAuthorities, resolver);
    }

    /** True when {@code uri}'s authority is one the operator listed. */
    public boolean isTrusted(URI uri) {
        String authority = uri.getRawAuthority();
        return authority != null && trusted.contains(authority.toLowerCase(Locale.ROOT));
    }

    /**
     * Refuses {@code uri} when its host resolves to an internal address and neither it nor the registry the
     * request serves ({@code originTrusted}) is trusted.
     */
    public void check(URI uri, boolean originTrusted) {
        if (originTrusted || isTrusted(uri)) {
            return;
        }
        String host = uri.getHost();
        if (host == null) {
            throw DockerApiException.invalid("refusing to connect to " + uri.getScheme() + "://" + uri.getRawAuthority()
                    + ": no host");
        }
        for (InetAddress address : resolver.apply(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)) {
            if (isInternal(address)) {
                throw DockerApiException.invalid("refusing to connect to " + uri.getRawAuthority() + ": it resolves to "
                        + address.getHostAddress() + ", an internal address (list the registry in "
                        + "SOCKERLESS_INSECURE_REGISTRIES to allow it)");
            }
        }
    }

    /** Loopback, link-local, private (RFC 1918, CGNAT 100.64/10), unique-local, multicast or unspecified. */
    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 198 && (second == 18 || second == 19));
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local
            }
            boolean mapped = true; // ::ffff:a.b.c.d carries an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw DockerApiException.unavailable("cannot resolve registry host " + host, e);
        }
    }
}
