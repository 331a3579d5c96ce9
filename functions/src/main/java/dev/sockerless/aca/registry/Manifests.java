package dev.sockerless.aca.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Parses manifests and indexes from their raw bytes. The bytes themselves stay the source of truth: a parsed
 * manifest is never serialised again, since that would change its digest.
 */
public final class Manifests {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An image manifest: its config and layers. */
    public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) {
        public ImageManifest {
            layers = List.copyOf(layers);
        }

        /** Sum of the (compressed) layer sizes, which a manifest-only server reports as the image size. */
        public long layersSize() {
            return layers.stream().mapToLong(Descriptor::size).sum();
        }
    }

    /** An image index or Docker manifest list. */
    public record ImageIndex(String mediaType, List<Descriptor> manifests) {
        public ImageIndex {
            manifests = List.copyOf(manifests);
        }
    }

    private Manifests() {}

    /**
     * The media type of a manifest: its {@code mediaType} field, else the {@code Content-Type} it was served with,
     * else inferred from its shape. A body whose field disagrees with a known Content-Type is rejected.
     */
    public static String mediaTypeOf(byte[] raw, @Nullable String contentType) {
        JsonNode root = readTree(raw);
        String field = root.path("mediaType").asText("");
        String served = MediaType.essence(contentType);
        if (!field.isEmpty() && !served.isEmpty() && isKnown(served) && !field.equals(served)) {
            throw RegistryException.badContent(
                    "parse manifest",
                    null,
                    "manifest media type mismatch: served as " + served + " but declares " + field);
        }
        if (!field.isEmpty()) {
            return field;
        }
        if (isKnown(served)) {
            return served;
        }
        if (root.has("manifests")) {
            return MediaType.OCI_INDEX;
        }
        if (root.has("config") && root.has("layers")) {
            return MediaType.OCI_MANIFEST;
        }
        if (root.path("schemaVersion").asInt() == 1) {
            return MediaType.DOCKER_SCHEMA1;
        }
        return served;
    }

    private static boolean isKnown(String mediaType) {
        return MediaType.isIndex(mediaType) || MediaType.isImageManifest(mediaType);
    }

    public static ImageManifest parseManifest(byte[] raw, String mediaType) {
        JsonNode root = readTree(raw);
        JsonNode config = root.get("config");
        JsonNode layers = root.get("layers");
        if (config == null || !config.isObject() || layers == null || !layers.isArray()) {
            throw malformed("image manifest without config or layers");
        }
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode layer : layers) {
            out.add(descriptor(layer));
        }
        return new ImageManifest(mediaType, descriptor(config), out);
    }

    public static ImageIndex parseIndex(byte[] raw, String mediaType) {
        JsonNode root = readTree(raw);
        JsonNode manifests = root.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            throw malformed("image index without manifests");
        }
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode entry : manifests) {
            out.add(descriptor(entry));
        }
        return new ImageIndex(mediaType, out);
    }

    static Descriptor descriptor(JsonNode node) {
        if (!node.isObject()) {
            throw malformed("descriptor is not an object");
        }
        JsonNode digest = node.get("digest");
        JsonNode size = node.get("size");
        if (digest == null || !digest.isTextual() || size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw malformed("descriptor without a valid digest and size");
        }
        Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && p.isObject()) {
            platform = Platform.of(
                    p.path("os").asText(""),
                    p.path("architecture").asText(""),
                    p.path("variant").asText(""));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        node.path("annotations")
                .properties()
                .forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Descriptor(
                node.path("mediaType").asText(""), Digest.parse(digest.asText()), size.asLong(), platform, annotations);
    }

    static JsonNode readTree(byte[] raw) {
        try {
            JsonNode node = BoundedJson.readTree(JSON, raw);
            if (node == null || !node.isObject()) {
                throw malformed("not a JSON object");
            }
            return node;
        } catch (BoundedJson.TooManyValues e) {
            throw malformed(e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw malformed("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed("unreadable JSON");
        }
    }

    private static RegistryException malformed(@Nullable String why) {
        return RegistryException.badContent("parse manifest", null, "malformed manifest: " + why);
    }
}
