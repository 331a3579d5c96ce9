package dev.sockerless.aca.docker;

import dev.sockerless.aca.errors.DockerApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Engine API version {@code major.minor}. Requests may carry {@code /vX.Y/} in front of the route; an
 * unversioned request is served as {@link #MAX}. Versions outside {@link #MIN}..{@link #MAX} are refused with
 * moby's texts ({@code api/server/middleware/version.go}).
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    public static final ApiVersion MIN = new ApiVersion(1, 24);
    public static final ApiVersion MAX = new ApiVersion(1, 51);
    private static final Pattern PREFIX = Pattern.compile("^/v([0-9]+)\\.([0-9]+)(/.*)?$");

    /** A request path split into its version and the route after it. */
    public record Routed(ApiVersion version, String path) {}

    /** Splits and checks the version prefix of a request path ({@code /v1.50/images/json}). */
    public static Routed route(String path) {
        Matcher m = PREFIX.matcher(path == null ? "" : path);
        if (!m.matches()) {
            return new Routed(MAX, path);
        }
        ApiVersion version;
        try {
            version = new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (NumberFormatException e) {
            throw DockerApiException.invalid("invalid API version: " + m.group(1) + "." + m.group(2));
        }
        if (version.compareTo(MAX) > 0) {
            throw DockerApiException.invalid(
                    "client version " + version + " is too new. Maximum supported API version is " + MAX);
        }
        if (version.compareTo(MIN) < 0) {
            throw DockerApiException.invalid(
                    "client version " + version + " is too old. Minimum supported API version is " + MIN
                            + ", please upgrade your client to a newer version");
        }
        return new Routed(version, m.group(3) == null ? "/" : m.group(3));
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new ApiVersion(major, minor)) >= 0;
    }

    public boolean below(int major, int minor) {
        return !atLeast(major, minor);
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
