package dev.sockerless.aca.registry;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Keeps registry traffic (and the token realms and redirects registries name) away from the network the app runs
 * in: a host resolving to an address that is not globally reachable ({@link #isInternal}: loopback, link-local incl.
 * 169.254.169.254, private, carrier-grade NAT, unique-local, Azure's wire server, the IANA special-purpose blocks, and
 * IPv6 forms carrying such an IPv4 address) is refused, unless the request serves a registry the operator trusts
 * ({@code SOCKERLESS_INSECURE_REGISTRIES} or a mirror). Every hop is checked, redirects included, and every attempt
 * of a hop: a retry after {@code Retry-After} is checked again, since the name may point elsewhere by then.
 *
 * <p>How the check is bound to the connection: untrusted https requests reach their host through
 * {@link GuardedTunnel}, an in-process {@code CONNECT} proxy that resolves the host once, checks every address
 * ({@link #checkedAddress}) and connects to exactly the address it checked, while TLS (SNI, certificate and host
 * name verification) runs end to end in the client as without a proxy. Java 17's {@code HttpClient} has no resolver
 * or connect hook (the resolver SPI came in Java 18), and connecting to the checked IP literal instead would change
 * SNI and host name verification, which the client derives from the URI. The check before each attempt
 * ({@link #check}) still runs first, for a clear error without a connection. Plain-http requests to untrusted hosts
 * (a redirect to http, the realm of a plain-http registry) go through the same tunnel as through a forward proxy: it
 * reads the host from the absolute request URI, checks it the same way and sends the request to the address it
 * checked, one request per connection.
 */
public final class OutboundGuard {

    private final Set<String> trusted;
    private final Function<String, InetAddress[]> resolver;
    private final java.util.function.Predicate<InetAddress> internal;

    private OutboundGuard(
            Collection<String> trustedAuthorities,
            Function<String, InetAddress[]> resolver,
            java.util.function.Predicate<InetAddress> internal) {
        this.trusted = trustedAuthorities.stream()
                .map(a -> a.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
        this.internal = internal;
    }

    /** A guard trusting the given {@code host[:port]} authorities, resolving with the JVM's resolver. */
    public static OutboundGuard trusting(Collection<String> trustedAuthorities) {
        return new OutboundGuard(trustedAuthorities, OutboundGuard::resolve, OutboundGuard::isInternal);
    }

    /** For tests: a custom resolver (e.g. a name resolving to 169.254.169.254). */
    static OutboundGuard trusting(Collection<String> trustedAuthorities, Function<String, InetAddress[]> resolver) {
        return new OutboundGuard(trustedAuthorities, resolver, OutboundGuard::isInternal);
    }

    /** For tests: also which addresses count as internal (e.g. loopback standing in for a public host). */
    static OutboundGuard trusting(
            Collection<String> trustedAuthorities,
            Function<String, InetAddress[]> resolver,
            java.util.function.Predicate<InetAddress> internal) {
        return new OutboundGuard(trustedAuthorities, resolver, internal);
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
            throw refused(
                    uri, "refusing to connect to " + uri.getScheme() + "://" + uri.getRawAuthority() + ": no host");
        }
        for (InetAddress address : resolver.apply(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)) {
            if (internal.test(address)) {
                throw refused(
                        uri,
                        "refusing to connect to " + uri.getRawAuthority() + ": it resolves to "
                                + address.getHostAddress() + ", an internal address (list the registry in "
                                + "SOCKERLESS_INSECURE_REGISTRIES to allow it)");
            }
        }
    }

    /**
     * Resolves {@code host} once, refuses it when any of its addresses is internal (unless {@code host:port} is
     * trusted) and returns the address to connect to: the tunnel connects to exactly this one.
     */
    InetAddress checkedAddress(String host, int port) {
        InetAddress[] addresses = resolver.apply(host);
        if (addresses.length == 0) {
            throw RegistryException.unreachable("connect", null, "cannot resolve registry host " + host, null);
        }
        String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        if (!trusted.contains(authority.toLowerCase(Locale.ROOT))) {
            for (InetAddress address : addresses) {
                if (internal.test(address)) {
                    throw refused(
                            null,
                            "refusing to connect to " + authority + ": it resolves to " + address.getHostAddress()
                                    + ", an internal address");
                }
            }
        }
        return addresses[0];
    }

    /**
     * True for an address that is not globally reachable: the IANA IPv4 and IPv6 Special-Purpose Address Registries
     * (iana.org/assignments/iana-ipv4-special-registry, …/iana-ipv6-special-registry; RFC 6890) entries whose
     * "Globally Reachable" is False, plus multicast, the IPv4 reserved 240.0.0.0/4, and Azure's wire server
     * 168.63.129.16 (the platform's DNS, DHCP and health endpoint, reachable from every Azure VM). Addresses that
     * carry an IPv4 address (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64
     * {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that address; the local-use NAT64
     * {@code 64:ff9b:1::/48} is internal.
     */
    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isInternalV4(b);
        }
        int w0 = word(b, 0);
        int w1 = word(b, 2);
        if (prefixZero(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isInternalV4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (prefixZero(b, 12)) {
            return true; // ::/96 IPv4-compatible (deprecated, RFC 4291), :: and ::1 included: never a public peer
        }
        if (w0 == 0x64 && w1 == 0xff9b) {
            if (prefixZero(Arrays.copyOfRange(b, 4, 12), 8)) {
                return isInternalV4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::/96 NAT64 (RFC 6052)
            }
            return true; // 64:ff9b:1::/48 local-use NAT64 (RFC 8215), and the rest of 64:ff9b::/32
        }
        if (w0 == 0x2002) {
            return isInternalV4(Arrays.copyOfRange(b, 2, 6)); // 6to4 (RFC 3056): 2002:AABB:CCDD::/48
        }
        return (b[0] & 0xfe) == 0xfc // fc00::/7 unique local (RFC 4193)
                || (w0 == 0x100 && w1 == 0 && word(b, 4) == 0 && word(b, 6) == 0) // 100::/64 discard-only (RFC 6666)
                || (w0 == 0x2001 && w1 < 0x200) // 2001::/23 IETF protocol assignments (RFC 2928), Teredo included
                || (w0 == 0x2001 && w1 == 0xdb8) // 2001:db8::/32 documentation (RFC 3849)
                || (w0 == 0x3fff && (w1 & 0xf000) == 0) // 3fff::/20 documentation (RFC 9637)
                || w0 == 0x5f00; // 5f00::/16 segment routing SIDs (RFC 9602)
    }

    /** IPv4: the special-purpose blocks that are not globally reachable, 240/4, broadcast and the wire server. */
    private static boolean isInternalV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        return a0 == 0 // 0.0.0.0/8 "this network"
                || a0 == 10
                || a0 == 127 // private, loopback
                || (a0 == 100 && a1 >= 64 && a1 < 128) // 100.64.0.0/10 shared address space (CGNAT, RFC 6598)
                || (a0 == 169 && a1 == 254) // link local (169.254.169.254, the metadata service)
                || (a0 == 172 && a1 >= 16 && a1 < 32)
                || (a0 == 192 && a1 == 168) // private (RFC 1918)
                || (a0 == 192 && a1 == 0 && a2 == 0) // 192.0.0.0/24 IETF protocol assignments (RFC 6890)
                || (a0 == 192 && a1 == 0 && a2 == 2) // 192.0.2.0/24 TEST-NET-1 (RFC 5737)
                || (a0 == 192 && a1 == 88 && a2 == 99) // 192.88.99.0/24 6to4 relay anycast (deprecated, RFC 7526)
                || (a0 == 198 && (a1 == 18 || a1 == 19)) // 198.18.0.0/15 benchmarking (RFC 2544)
                || (a0 == 198 && a1 == 51 && a2 == 100) // TEST-NET-2
                || (a0 == 203 && a1 == 0 && a2 == 113) // TEST-NET-3
                || a0 >= 224 // multicast 224/4, reserved 240/4 (RFC 1112), broadcast 255.255.255.255
                || (a0 == 168 && a1 == 63 && a2 == 129 && a3 == 16); // Azure's wire server
    }

    private static int word(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static boolean prefixZero(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw RegistryException.unreachable("connect", null, "cannot resolve registry host " + host, e);
        }
    }

    private static RegistryException refused(@Nullable URI uri, String message) {
        return RegistryException.of(RegistryException.Failure.REFUSED, "connect", uri, message, null);
    }
}
