package dev.sockerless.aca.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Docker's merge of the image config into the user's container config at create (moby {@code daemon/commit.go}
 * {@code merge}, called from {@code daemon/create.go}). The user's value wins; the image fills what the user left empty.
 */
public final class ConfigMerge {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> HEALTHCHECK_DURATIONS =
            List.of("Interval", "Timeout", "StartPeriod", "StartInterval", "Retries");

    private ConfigMerge() {}

    /**
     * The merged config: a copy of {@code user} with the image's {@code config} member ({@code image}, may be null)
     * merged in. Entrypoint and Cmd come back as arrays or null (Docker also accepts a string for either).
     */
    public static ObjectNode merge(JsonNode user, JsonNode image) {
        ObjectNode out = user != null && user.isObject() ? ((ObjectNode) user).deepCopy() : F.objectNode();
        JsonNode img = image != null && image.isObject() ? image : F.objectNode();
        for (String field : List.of("User", "WorkingDir", "StopSignal")) {
            if (out.path(field).asText("").isEmpty()
                    && !img.path(field).asText("").isEmpty()) {
                out.put(field, img.path(field).asText());
            }
        }
        unionKeys(out, img, "ExposedPorts");
        unionKeys(out, img, "Volumes");
        mergeEnv(out, img);
        mergeLabels(out, img);
        mergeCommand(out, img);
        mergeHealthcheck(out, img);
        return out;
    }

    /** Entrypoint followed by Cmd of a merged config: what the container runs (empty: no command). */
    public static List<String> argv(JsonNode merged) {
        List<String> argv = new ArrayList<>(strings(merged.get("Entrypoint")));
        argv.addAll(strings(merged.get("Cmd")));
        return argv;
    }

    /** A JSON array of strings (or a single string, as Docker's StrSlice allows) as a list; null → empty. */
    public static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText());
            return out;
        }
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void mergeCommand(ObjectNode out, JsonNode img) {
        JsonNode userEntrypoint = normalise(out.get("Entrypoint"));
        JsonNode userCmd = normalise(out.get("Cmd"));
        out.set("Entrypoint", userEntrypoint);
        out.set("Cmd", userCmd);
        if (userEntrypoint.size() == 1 && userEntrypoint.get(0).asText().isEmpty()) {
            // `docker run --entrypoint ""`: resets the image Entrypoint and, like any user Entrypoint, drops its Cmd.
            out.set("Entrypoint", NullNode.instance);
            return;
        }
        if (userEntrypoint.isEmpty()) {
            if (userCmd.isEmpty()) {
                out.set("Cmd", normalise(img.get("Cmd")));
                if (img.has("ArgsEscaped")) {
                    out.set("ArgsEscaped", img.get("ArgsEscaped"));
                }
            }
            if (userEntrypoint.isNull()) {
                out.set("Entrypoint", normalise(img.get("Entrypoint")));
            }
        }
    }

    /** null/absent → NullNode (Go nil), a string → one-element array, an array as is. */
    private static JsonNode normalise(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullNode.instance;
        }
        if (node.isTextual()) {
            return F.arrayNode().add(node.asText());
        }
        return node.deepCopy();
    }

    private static void unionKeys(ObjectNode out, JsonNode img, String field) {
        JsonNode fromImage = img.get(field);
        if (fromImage == null || !fromImage.isObject() || fromImage.isEmpty()) {
            return;
        }
        JsonNode mine = out.get(field);
        ObjectNode merged = mine != null && mine.isObject() ? (ObjectNode) mine : F.objectNode();
        fromImage.fieldNames().forEachRemaining(k -> {
            if (!merged.has(k)) {
                merged.set(k, fromImage.get(k).deepCopy());
            }
        });
        out.set(field, merged);
    }

    private static void mergeEnv(ObjectNode out, JsonNode img) {
        List<String> user = strings(out.get("Env"));
        List<String> image = strings(img.get("Env"));
        if (user.isEmpty()) {
            if (!image.isEmpty()) {
                out.set("Env", array(image));
            }
            return;
        }
        Set<String> keys = new HashSet<>();
        user.forEach(e -> keys.add(key(e)));
        List<String> merged = new ArrayList<>(user);
        for (String e : image) {
            if (!keys.contains(key(e))) {
                merged.add(e);
            }
        }
        out.set("Env", array(merged));
    }

    private static String key(String envEntry) {
        int eq = envEntry.indexOf('=');
        return eq < 0 ? envEntry : envEntry.substring(0, eq);
    }

    private static void mergeLabels(ObjectNode out, JsonNode img) {
        JsonNode mine = out.get("Labels");
        ObjectNode labels = mine != null && mine.isObject() ? (ObjectNode) mine : F.objectNode();
        JsonNode fromImage = img.get("Labels");
        if (fromImage != null && fromImage.isObject()) {
            fromImage.fieldNames().forEachRemaining(k -> {
                if (!labels.has(k)) {
                    labels.set(k, fromImage.get(k));
                }
            });
        }
        out.set("Labels", labels);
    }

    private static void mergeHealthcheck(ObjectNode out, JsonNode img) {
        JsonNode fromImage = img.get("Healthcheck");
        if (fromImage == null || !fromImage.isObject()) {
            return;
        }
        JsonNode mine = out.get("Healthcheck");
        if (mine == null || !mine.isObject()) {
            out.set("Healthcheck", fromImage.deepCopy());
            return;
        }
        ObjectNode health = (ObjectNode) mine;
        if (strings(health.get("Test")).isEmpty() && fromImage.has("Test")) {
            health.set("Test", fromImage.get("Test").deepCopy());
        }
        for (String field : HEALTHCHECK_DURATIONS) {
            if (health.path(field).asLong(0) == 0 && fromImage.path(field).asLong(0) != 0) {
                health.set(field, fromImage.get(field));
            }
        }
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode a = F.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
