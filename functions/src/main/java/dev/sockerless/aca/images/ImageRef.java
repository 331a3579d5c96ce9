package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A name of an image in the image table: a fully qualified tag ({@code docker.io/library/alpine:latest}) or digest
 * reference ({@code docker.io/library/alpine@sha256:...}) pointing at an image ID.
 *
 * @param resolvedDigest the digest the reference resolved to in its registry (for a multi-arch image, the index),
 *                       which Docker reports in {@code RepoDigests}; null for images that never came from a registry
 * @param platform       the platform asked for when the reference was pulled ({@code linux/amd64})
 */
public record ImageRef(
        ImageReference reference,
        Digest imageId,
        @Nullable Digest resolvedDigest,
        @Nullable String platform,
        @Nullable Instant updatedAt) {

    public ImageRef {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(imageId, "imageId");
    }

    public boolean isTag() {
        return reference.tag() != null && reference.digest() == null;
    }

    /** The key the table stores the reference under: its fully qualified text. */
    public String key() {
        return reference.toString();
    }
}
