package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.images.ImageLookup.FoundImage;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.images.ImageSummary;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Docker's JSON for images: {@code GET /images/{name}/json} ({@code image.InspectResponse}) and the elements of
 * {@code GET /images/json} ({@code image.Summary}), with classic-store semantics and the shape of the negotiated
 * API version.
 */
public final class ImageJson {

    static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Legacy {@code container.Config} members that are always present, in Go's field order. */
    private static final List<String> LEGACY_ALWAYS =
            List.of("Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr");
    /** OCI config members copied into the 1.50+ Config, in moby's order. */
    private static final List<String> OCI_MEMBERS = List.of(
            "User",
            "ExposedPorts",
            "Env",
            "Entrypoint",
            "Cmd",
            "Volumes",
            "WorkingDir",
            "Labels",
            "StopSignal",
            "ArgsEscaped",
            "Healthcheck",
            "OnBuild",
            "Shell");

    private ImageJson() {}

    /** The inspect document. */
    public static ObjectNode inspect(FoundImage found, ApiVersion version) {
        ImageRecord image = found.image();
        JsonNode config = parse(image.config());
        ObjectNode out = F.objectNode();
        out.put("Id", image.id().toString());
        out.set("RepoTags", repoTags(found.refs()));
        out.set("RepoDigests", repoDigests(found.refs()));
        out.put("Parent", "");
        out.put("Comment", comment(config));
        String created = created(config);
        if (!created.isEmpty() || version.below(1, 44)) {
            out.put("Created", created.isEmpty() ? ZERO_TIME : created);
        }
        if (version.below(1, 45)) {
            out.put("Container", config.path("container").asText(""));
            out.set("ContainerConfig", legacyConfig(F.objectNode()));
        }
        out.put("DockerVersion", config.path("docker_version").asText(""));
        out.put("Author", config.path("author").asText(""));
        JsonNode imageConfig = config.path("config").isObject() ? config.path("config") : F.objectNode();
        out.set("Config", version.atLeast(1, 50) ? ociConfig(imageConfig) : legacyConfig(imageConfig));
        out.put("Architecture", config.path("architecture").asText(""));
        putIfNotEmpty(out, "Variant", config.path("variant").asText(""));
        out.put("Os", config.path("os").asText(""));
        putIfNotEmpty(out, "OsVersion", config.path("os.version").asText(""));
        out.put("Size", image.size());
        if (version.below(1, 44)) {
            out.put("VirtualSize", image.size());
        }
        ObjectNode graphDriver = out.putObject("GraphDriver");
        graphDriver.putNull("Data");
        graphDriver.put("Name", "overlay2");
        ObjectNode rootFs = out.putObject("RootFS");
        rootFs.put("Type", config.path("rootfs").path("type").asText("layers"));
        ArrayNode layers = rootFs.putArray("Layers");
        config.path("rootfs").path("diff_ids").forEach(d -> layers.add(d.asText()));
        out.putObject("Metadata")
                .put(
                        "LastTagTime",
                        image.findLastTagTime().map(ImageJson::formatInstant).orElse(ZERO_TIME));
        return out;
    }

    /** An element of the image list. */
    public static ObjectNode summary(FoundImage found, ApiVersion version) {
        return summary(found, parse(found.image().config()), version);
    }

    /** An element of the image list, from the image's already parsed config. */
    static ObjectNode summary(FoundImage found, JsonNode config, ApiVersion version) {
        JsonNode labels = config.path("config").path("Labels");
        ImageRecord image = found.image();
        return summary(
                new ImageSummary(
                        image.id(),
                        createdSeconds(config),
                        labels.isObject() ? labels.toString() : null,
                        image.size(),
                        image.storedAt()),
                found.refs(),
                version);
    }

    /** An element of the image list, from the image's summary (no config read). */
    static ObjectNode summary(ImageSummary image, List<ImageRef> refs, ApiVersion version) {
        ObjectNode out = F.objectNode();
        out.put("Containers", version.atLeast(1, 51) ? 0 : -1);
        out.put("Created", image.created());
        out.put("Id", image.id().toString());
        JsonNode labels = labels(image);
        out.set("Labels", labels != null && labels.isObject() ? labels : F.nullNode());
        out.put("ParentId", "");
        ArrayNode digests = repoDigests(refs);
        ArrayNode tags = repoTags(refs);
        if (version.below(1, 43) && tags.isEmpty() && digests.isEmpty()) {
            tags.add("<none>:<none>");
            digests.add("<none>@<none>");
        }
        out.set("RepoDigests", digests);
        out.set("RepoTags", tags);
        out.put("SharedSize", -1);
        out.put("Size", image.size());
        if (version.below(1, 44)) {
            out.put("VirtualSize", image.size());
        }
        return out;
    }

    /** The summary's labels as JSON, or null. */
    static @Nullable JsonNode labels(ImageSummary image) {
        if (image.labels() == null) {
            return null;
        }
        try {
            return ApiResponse.MAPPER.readTree(image.labels());
        } catch (IOException e) {
            return null;
        }
    }

    static ArrayNode repoTags(List<ImageRef> refs) {
        ArrayNode tags = F.arrayNode();
        refs.stream()
                .filter(ImageRef::isTag)
                .map(r -> r.reference().familiar())
                .sorted()
                .distinct()
                .forEach(tags::add);
        return tags;
    }

    static ArrayNode repoDigests(List<ImageRef> refs) {
        Set<String> digests = new LinkedHashSet<>();
        for (ImageRef r : refs) {
            if (r.resolvedDigest() != null) {
                digests.add(r.reference().familiarName() + "@" + r.resolvedDigest());
            }
        }
        ArrayNode out = F.arrayNode();
        digests.stream().sorted().forEach(out::add);
        return out;
    }

    /** The config's {@code comment}, else the last history comment (as dockerd's classic store reports it). */
    static String comment(JsonNode config) {
        String comment = config.path("comment").asText("");
        if (!comment.isEmpty()) {
            return comment;
        }
        JsonNode history = config.path("history");
        if (history.isArray() && !history.isEmpty()) {
            return history.get(history.size() - 1).path("comment").asText("");
        }
        return "";
    }

    /** {@code created} as Go's RFC3339Nano formats it (trailing zeros trimmed, {@code Z} for a zero offset). */
    static String created(JsonNode config) {
        String text = config.path("created").asText("");
        if (text.isEmpty()) {
            return "";
        }
        try {
            return formatRfc3339Nano(OffsetDateTime.parse(text));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    static long createdSeconds(JsonNode config) {
        try {
            return OffsetDateTime.parse(config.path("created").asText("")).toEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    static String formatInstant(Instant instant) {
        return formatRfc3339Nano(instant.atOffset(ZoneOffset.UTC));
    }

    static String formatRfc3339Nano(OffsetDateTime t) {
        StringBuilder s = new StringBuilder(String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
        if (t.getNano() != 0) {
            String nanos = String.format("%09d", t.getNano()).replaceAll("0+$", "");
            s.append('.').append(nanos);
        }
        int offset = t.getOffset().getTotalSeconds();
        if (offset == 0) {
            s.append('Z');
        } else {
            s.append(offset < 0 ? '-' : '+')
                    .append(String.format("%02d:%02d", Math.abs(offset) / 3600, Math.abs(offset) / 60 % 60));
        }
        return s.toString();
    }

    /** API 1.50+: the OCI image config members, each omitted when empty. */
    static ObjectNode ociConfig(JsonNode imageConfig) {
        ObjectNode out = F.objectNode();
        for (String member : OCI_MEMBERS) {
            JsonNode value = imageConfig.get(member);
            if (value != null && !value.isNull() && !isEmpty(value)) {
                out.set(member, value);
            }
        }
        return out;
    }

    /** Below 1.50: the legacy {@code container.Config} with its always-present members. */
    static ObjectNode legacyConfig(JsonNode c) {
        ObjectNode out = F.objectNode();
        for (String name : LEGACY_ALWAYS) {
            if (name.startsWith("Attach")) {
                out.put(name, false);
            } else {
                out.put(name, c.path(name).asText(""));
            }
        }
        copyIfPresent(out, c, "ExposedPorts");
        out.put("Tty", false);
        out.put("OpenStdin", false);
        out.put("StdinOnce", false);
        out.set("Env", orNull(c.get("Env")));
        out.set("Cmd", orNull(c.get("Cmd")));
        copyIfPresent(out, c, "Healthcheck");
        copyIfPresent(out, c, "ArgsEscaped");
        out.put("Image", "");
        out.set("Volumes", orNull(c.get("Volumes")));
        out.put("WorkingDir", c.path("WorkingDir").asText(""));
        out.set("Entrypoint", orNull(c.get("Entrypoint")));
        out.set("OnBuild", orNull(c.get("OnBuild")));
        out.set("Labels", orNull(c.get("Labels")));
        copyIfPresent(out, c, "StopSignal");
        copyIfPresent(out, c, "Shell");
        return out;
    }

    private static void copyIfPresent(ObjectNode out, JsonNode from, String member) {
        JsonNode value = from.get(member);
        if (value != null && !value.isNull() && !isEmpty(value)) {
            out.set(member, value);
        }
    }

    /** An absent member is Go's nil (null); an empty list or object stays empty, as Go encodes a non-nil slice. */
    private static JsonNode orNull(JsonNode value) {
        return value == null ? F.nullNode() : value;
    }

    private static boolean isEmpty(JsonNode value) {
        return value.isNull()
                || (value.isContainerNode() && value.isEmpty())
                || (value.isTextual() && value.asText().isEmpty())
                || (value.isBoolean() && !value.asBoolean());
    }

    private static void putIfNotEmpty(ObjectNode out, String name, String value) {
        if (!value.isEmpty()) {
            out.put(name, value);
        }
    }

    static JsonNode parse(byte[] config) {
        try {
            JsonNode node = ApiResponse.MAPPER.readTree(config);
            return node == null ? F.objectNode() : node;
        } catch (IOException e) {
            return F.objectNode();
        }
    }
}
