package dev.sockerless.aca.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.registry.Digest;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the image list shows of an image, without its config: the config's {@code created} (epoch seconds, 0 when
 * absent or unreadable) and {@code config.Labels} (JSON text, null when none), the size and when it was stored.
 */
public record ImageSummary(
        Digest id,
        long created,
        @Nullable String labels,
        long size,
        @Nullable Instant storedAt) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ImageSummary {
        Objects.requireNonNull(id, "id");
    }

    /** The summary of a whole record (its config parsed once). */
    public static ImageSummary of(ImageRecord image) {
        JsonNode config;
        try {
            config = MAPPER.readTree(image.config());
        } catch (IOException e) {
            config = null;
        }
        long created = 0;
        String labels = null;
        if (config != null) {
            try {
                created =
                        OffsetDateTime.parse(config.path("created").asText("")).toEpochSecond();
            } catch (DateTimeParseException e) {
                created = 0;
            }
            JsonNode l = config.path("config").path("Labels");
            labels = l.isObject() ? l.toString() : null;
        }
        return new ImageSummary(image.id(), created, labels, image.size(), image.storedAt());
    }
}
