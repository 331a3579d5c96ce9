package dev.sockerless.aca.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code WWW-Authenticate} challenge (RFC 7235): {@code Bearer realm="...",service="...",scope="..."} or
 * {@code Basic realm="..."}. Parameter names are case-insensitive; values may be quoted with backslash escapes.
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {

    /** Longest {@code WWW-Authenticate} value read; a longer one is not a usable challenge. */
    static final int MAX_HEADER_LENGTH = 8 * 1024;
    /** Longest realm (a URL) and other parameter values. */
    static final int MAX_REALM_LENGTH = 2048;
    /** Longest service name (a host name in practice). */
    static final int MAX_SERVICE_LENGTH = 255;
    /** Most parameters kept. */
    static final int MAX_PARAMETERS = 8;

    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        parameters = Map.copyOf(parameters);
    }

    /** Parses the first challenge of a header value; empty when the header is absent or unparsable. */
    public static Optional<AuthChallenge> parse(@Nullable String header) {
        if (header == null || header.length() > MAX_HEADER_LENGTH) {
            return Optional.empty();
        }
        String text = header.trim();
        int space = text.indexOf(' ');
        String scheme = space < 0 ? text : text.substring(0, space);
        if (scheme.isEmpty() || !scheme.matches("[A-Za-z][A-Za-z0-9._~+/-]*")) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    char c = text.charAt(i);
                    if (c == '\\' && i + 1 < text.length()) {
                        c = text.charAt(++i);
                    }
                    value.append(c);
                    i++;
                }
                i++; // closing quote
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, value.toString().trim());
            }
        }
        if (params.size() > MAX_PARAMETERS
                || params.getOrDefault("service", "").length() > MAX_SERVICE_LENGTH
                || params.values().stream().anyMatch(v -> v.length() > MAX_REALM_LENGTH)) {
            return Optional.empty(); // a registry's realm and service are short; these would only fill caches
        }
        return Optional.of(new AuthChallenge(scheme, params));
    }

    public boolean isBearer() {
        return "bearer".equals(scheme);
    }

    public boolean isBasic() {
        return "basic".equals(scheme);
    }

    public String realm() {
        return parameters.getOrDefault("realm", "");
    }

    public String service() {
        return parameters.getOrDefault("service", "");
    }

    /** The {@code error} parameter: {@code invalid_token}, {@code insufficient_scope}, or empty. */
    public String error() {
        return parameters.getOrDefault("error", "");
    }
}
