package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.Platform;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One image of the image table, keyed by its ID (the config digest, as Docker's classic store does).
 *
 * @param config             the raw config JSON, byte for byte as the registry or archive held it
 * @param manifestDigest     digest of the platform manifest that names this config
 * @param manifestMediaType  media type of that manifest
 * @param size               sum of the layer sizes in the manifest
 * @param location           fully qualified repository the image is pulled from when it runs
 *                           ({@code docker.io/library/alpine}, or the staging registry for loaded images)
 * @param lastTagTime        when {@code docker tag} last named this image, or null
 * @param storedAt           when the record was first written
 */
public record ImageRecord(
        Digest id,
        byte[] config,
        @Nullable Digest manifestDigest,
        String manifestMediaType,
        @Nullable Platform platform,
        long size,
        String location,
        @Nullable Instant lastTagTime,
        @Nullable Instant storedAt) {

    public ImageRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(config, "config");
        config = config.clone();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    public Optional<Instant> findLastTagTime() {
        return Optional.ofNullable(lastTagTime);
    }

    public ImageRecord withLastTagTime(Instant time) {
        return new ImageRecord(id, config, manifestDigest, manifestMediaType, platform, size, location, time, storedAt);
    }

    /** The exact image to run: {@code location@manifestDigest}. */
    public String pinnedReference() {
        return location + "@" + manifestDigest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageRecord r
                && id.equals(r.id)
                && java.util.Arrays.equals(config, r.config)
                && Objects.equals(manifestDigest, r.manifestDigest)
                && Objects.equals(manifestMediaType, r.manifestMediaType)
                && Objects.equals(platform, r.platform)
                && size == r.size
                && Objects.equals(location, r.location)
                && Objects.equals(lastTagTime, r.lastTagTime)
                && Objects.equals(storedAt, r.storedAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ImageRecord[" + id + ", " + location + "@" + manifestDigest + "]";
    }
}
