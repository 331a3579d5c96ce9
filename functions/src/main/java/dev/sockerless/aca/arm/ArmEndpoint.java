package dev.sockerless.aca.arm;

import dev.sockerless.aca.errors.DockerApiException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The ARM endpoint ({@code SOCKERLESS_ARM_ENDPOINT}): an {@code https} origin, reached with the app's identity, or a
 * plain {@code http} origin on a loopback address (a local stand-in), reached without any credential.
 *
 * @param base the origin without a trailing slash, e.g. {@code https://management.azure.com}
 */
public record ArmEndpoint(String base, boolean plain) {

    public static final String SETTING = "SOCKERLESS_ARM_ENDPOINT";

    /** The endpoint, or a configuration error naming {@value #SETTING}. */
    public static ArmEndpoint parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme =
                uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null
                || !(scheme.equals("https") || scheme.equals("http"))
                || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty())
                || uri.getQuery() != null
                || uri.getUserInfo() != null) {
            throw malformed(value, "expected an https URL without a path, such as https://management.azure.com");
        }
        boolean plain = scheme.equals("http");
        if (plain && !isLoopback(uri.getHost())) {
            throw malformed(
                    value,
                    "plain http is allowed only on a loopback address (a local stand-in); ARM is"
                            + " reached with the app's identity over https");
        }
        return new ArmEndpoint(trimmed, plain);
    }

    /** The token scope of the app's identity: {@code <base>/.default}. */
    public String scope() {
        return base + "/.default";
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name other than localhost: never resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static DockerApiException malformed(String value, String why) {
        return DockerApiException.system(
                "configuration: " + SETTING + " has a malformed entry '" + value + "': " + why, null);
    }
}
