package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One image found in a {@code docker save} archive, structurally checked (files present, layer count = diffID
 * count, OCI digests of config and manifest match their bytes); layer contents are verified when streamed.
 *
 * @param config          the config JSON, byte for byte as in the archive
 * @param configDigest    its digest: the image ID
 * @param configMediaType the config's media type in the source manifest (Docker's for {@code manifest.json} sources)
 * @param diffIds         {@code rootfs.diff_ids} of the config, one per layer
 * @param layers          the layers, in rootfs order
 * @param repoTags        the names as the archive writes them ({@code alpine:latest}), possibly empty
 * @param names           the same names, fully qualified ({@code docker.io/library/alpine:latest})
 * @param sourceManifest  the OCI manifest of an OCI-layout source, byte for byte; null for {@code manifest.json}
 */
public record ArchiveImage(
        byte[] config,
        Digest configDigest,
        String configMediaType,
        List<Digest> diffIds,
        List<ArchiveLayer> layers,
        List<String> repoTags,
        List<ImageReference> names,
        @Nullable SourceManifest sourceManifest) {

    public ArchiveImage {
        config = config.clone();
        diffIds = List.copyOf(diffIds);
        layers = List.copyOf(layers);
        repoTags = List.copyOf(repoTags);
        names = List.copyOf(names);
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    /** True when the image came from an OCI layout ({@code index.json}), false for {@code manifest.json}. */
    public boolean isOciLayout() {
        return sourceManifest != null;
    }

    /** A manifest as the archive holds it. */
    public record SourceManifest(byte[] bytes, String mediaType, Digest digest) {
        public SourceManifest {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
