package dev.sockerless.aca.docker;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An Engine API request as the handlers see it, independent of the Functions runtime: method, route path with the
 * version prefix removed, decoded query parameters, headers (case-insensitive) and the whole body.
 */
public record ApiRequest(
        String method,
        ApiVersion version,
        String path,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body) {

    public ApiRequest {
        query = Map.copyOf(query);
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = Collections.unmodifiableMap(h);
        body = body == null ? new byte[0] : body;
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** Docker's form booleans ({@code httputils.BoolValue}): "", 0, no, false, none are false; present otherwise true. */
    public boolean flag(String name) {
        String v = query.get(name);
        if (v == null) {
            return false;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
    }

    /** Like {@link #flag} but {@code defaultValue} when the parameter is absent. */
    public boolean flag(String name, boolean defaultValue) {
        return query.containsKey(name) ? flag(name) : defaultValue;
    }

    @Override
    public String toString() {
        return method + " " + path; // never the headers: X-Registry-Auth carries credentials
    }
}
