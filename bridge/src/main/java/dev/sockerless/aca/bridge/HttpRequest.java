package dev.sockerless.aca.bridge;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request read from the docker CLI: method, the raw target (path and query as sent, the {@code /vX.Y} prefix
 * included), headers and the body, already unframed ({@code Content-Length} or chunked).
 */
public record HttpRequest(String method, String target, Headers headers, InputStream body) {

    private static final Pattern VERSIONED = Pattern.compile("^/v[0-9]+\\.[0-9]+(/.*)$");

    public String rawPath() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    public String rawQuery() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    /** The path without the API version prefix, for routing (the prefix is forwarded unchanged). */
    public String route() {
        Matcher m = VERSIONED.matcher(rawPath());
        return m.matches() ? m.group(1) : rawPath();
    }

    /** The version prefix ({@code /v1.50}) or empty. */
    public String versionPrefix() {
        String path = rawPath();
        return path.substring(0, path.length() - route().length());
    }

    /** The first value of a query parameter, decoded. */
    public Optional<String> param(String name) {
        for (String pair : rawQuery().split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    /** Docker's boolean form values: absent, empty, {@code 0}, {@code no}, {@code false}, {@code none} are false. */
    public boolean flag(String name) {
        return param(name)
                .map(v -> !(v.isEmpty()
                        || v.equals("0")
                        || v.equalsIgnoreCase("no")
                        || v.equalsIgnoreCase("false")
                        || v.equalsIgnoreCase("none")))
                .orElse(false);
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
