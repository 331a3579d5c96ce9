package dev.sockerless.aca.registry;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An OCI content descriptor: what a manifest says about another blob or manifest.
 *
 * @param platform    the platform of an index entry, or {@code null}
 * @param annotations never null
 */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        @Nullable Platform platform,
        Map<String, String> annotations) {

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, Map.of());
    }

    /** True for buildx/BuildKit attestation entries ({@code unknown/unknown}), which are never images to run. */
    public boolean isAttestation() {
        return (platform != null && platform.isUnknown())
                || "attestation-manifest".equals(annotations.get("vnd.docker.reference.type"));
    }
}
