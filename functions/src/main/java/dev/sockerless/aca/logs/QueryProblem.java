package dev.sockerless.aca.logs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code error} object of a query response ({@code {"error":{"code","message","details":[{"innererror":{...,
 * "severityName"}}],"innererror":{...}}}}), read from the raw body without building the tables.
 */
record QueryProblem(
        String code, String message, List<String> innerMessages, boolean onlyWarnings, boolean resultTooLarge) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String TOO_LARGE = "E_QUERY_RESULT_SET_TOO_LARGE";

    /** The body's error, or null when it has none or cannot be read. */
    static @Nullable QueryProblem read(InputStream body) {
        if (body == null) {
            return null;
        }
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if ("error".equals(name)) {
                    return of(MAPPER.readTree(p));
                }
                p.skipChildren();
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    static QueryProblem of(JsonNode error) {
        List<String> inner = new ArrayList<>();
        boolean[] warningsOnly = {true};
        boolean[] seenInner = {false};
        collect(error.path("innererror"), inner, warningsOnly, seenInner);
        for (JsonNode detail : error.path("details")) {
            collect(detail.path("innererror"), inner, warningsOnly, seenInner);
            if (!detail.path("innererror").isObject()) {
                inner.add(detail.path("message").asText(""));
                warningsOnly[0] = false;
                seenInner[0] = true;
            }
        }
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        boolean tooLarge = (code + message + String.join(" ", inner)).contains(TOO_LARGE);
        return new QueryProblem(code, message, List.copyOf(inner), seenInner[0] && warningsOnly[0], tooLarge);
    }

    private static void collect(JsonNode node, List<String> inner, boolean[] warningsOnly, boolean[] seen) {
        for (JsonNode n = node; n != null && n.isObject(); n = n.path("innererror")) {
            seen[0] = true;
            String text = n.path("message").asText("");
            if (!text.isEmpty()) {
                inner.add(text);
            }
            String severity = n.path("severityName").asText("");
            if (!severity.equalsIgnoreCase("Warning")
                    && !severity.equalsIgnoreCase("Information")
                    && !n.path("innererror").isObject()) {
                warningsOnly[0] = false; // the innermost entry decides
            }
        }
    }

    /** {@code code: message (inner; inner)}. */
    String describe() {
        StringBuilder b = new StringBuilder(code.isEmpty() ? "error" : code);
        if (!message.isEmpty()) {
            b.append(": ").append(message);
        }
        if (!innerMessages.isEmpty()) {
            b.append(" (").append(String.join("; ", innerMessages)).append(')');
        }
        return b.toString();
    }
}
