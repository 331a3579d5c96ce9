package dev.sockerless.aca.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.registry.BoundedJson;
import dev.sockerless.aca.registry.Descriptor;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Manifests;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The small JSON pieces {@link DockerArchive}'s format readers take apart: descriptors, diff_ids, image names. */
final class ArchiveJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveJson() {}

    static Descriptor descriptor(JsonNode node, String where) {
        try {
            return Manifests.parseIndex(JSON.writeValueAsBytes(Map.of("manifests", List.of(node))), MediaType.OCI_INDEX)
                    .manifests()
                    .get(0);
        } catch (RegistryException | IOException e) {
            throw DockerArchive.invalid("malformed descriptor in " + where + ": " + e.getMessage());
        }
    }

    static List<Digest> diffIds(byte[] config, String path) {
        JsonNode root;
        try {
            root = BoundedJson.readTree(JSON, config);
        } catch (BoundedJson.TooManyValues e) {
            throw DockerArchive.invalid("config " + path + " has " + e.getMessage());
        } catch (IOException e) {
            throw DockerArchive.invalid("config " + path + " is not valid JSON");
        }
        JsonNode ids = root == null ? null : root.path("rootfs").path("diff_ids");
        if (ids == null || !ids.isArray()) {
            throw DockerArchive.invalid("config " + path + " has no rootfs.diff_ids");
        }
        List<Digest> out = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!Digest.isDigest(id.asText())) {
                throw DockerArchive.invalid("config " + path + " has a malformed diff_id " + id);
            }
            out.add(Digest.parse(id.asText()));
        }
        return out;
    }

    static List<ImageReference> names(List<String> tags) {
        List<ImageReference> out = new ArrayList<>();
        for (String tag : tags) {
            ImageReference ref;
            try {
                ref = ImageReference.parseWithDefaultTag(tag);
            } catch (RegistryException e) {
                throw DockerArchive.invalid("bad image name " + tag + ": " + e.getMessage());
            }
            if (ref.tag() != null && ref.digest() == null && !out.contains(ref)) {
                out.add(ref);
            }
        }
        return out;
    }

    static boolean parses(String ref) {
        try {
            ImageReference.parse(ref);
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }
}
