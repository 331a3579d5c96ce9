package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.errors.DockerApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Docker's {@code filters} query parameter: JSON {@code {"name":{"x":true}}} or the legacy {@code {"name":["x"]}}.
 * A name Docker does not know is 400 {@code invalid filter 'x'}; one it knows that this server does not implement
 * is 501.
 */
final class Filters {

    private Filters() {}

    static Map<String, List<String>> parse(@Nullable String json, Set<String> known, Set<String> supported) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return values;
        }
        JsonNode root;
        try {
            root = ApiResponse.MAPPER.readTree(json);
        } catch (Exception e) {
            throw DockerApiException.invalid("invalid filter: "
                    + Objects.toString(e.getMessage(), "").lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw DockerApiException.invalid("invalid filter: filters must be a JSON object");
        }
        var fields = root.properties().iterator();
        while (fields.hasNext()) {
            var e = fields.next();
            String name = e.getKey();
            if (!known.contains(name)) {
                throw DockerApiException.invalid("invalid filter '" + name + "'");
            }
            if (!supported.contains(name)) {
                throw new DockerApiException(
                        DockerApiException.Kind.NOT_IMPLEMENTED,
                        "filter '" + name + "' is not supported by this server");
            }
            List<String> list = new ArrayList<>();
            if (e.getValue().isObject()) {
                e.getValue().properties().forEach(v -> {
                    if (v.getValue().asBoolean()) {
                        list.add(v.getKey());
                    }
                });
            } else if (e.getValue().isArray()) {
                e.getValue().forEach(v -> list.add(v.asText()));
            }
            values.put(name, list);
        }
        return values;
    }

    /** Whether every {@code key} or {@code key=value} of {@code filters} holds in {@code labels} (may be null). */
    static boolean labelsMatch(List<String> filters, @Nullable JsonNode labels) {
        for (String label : filters) {
            int eq = label.indexOf('=');
            String key = eq < 0 ? label : label.substring(0, eq);
            JsonNode value = labels == null ? null : labels.get(key);
            if (value == null || (eq >= 0 && !value.asText().equals(label.substring(eq + 1)))) {
                return false;
            }
        }
        return true;
    }
}
