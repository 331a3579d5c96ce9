package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import java.util.List;

/**
 * One image a load staged.
 *
 * @param id                 the image ID: the config digest (the config is pushed byte for byte)
 * @param names              the archive's names, fully qualified ({@code docker.io/library/alpine:latest}); empty
 *                           when untagged
 * @param stagingRepository  where the image now lives ({@code 127.0.0.1:5000/staging/library/alpine})
 * @param manifestDigest     digest of the manifest pushed there
 * @param manifestMediaType  its media type
 * @param size               sum of the pushed layer sizes
 * @param platform           the config's platform
 * @param config             the config bytes
 */
public record LoadedImage(
        Digest id,
        List<ImageReference> names,
        ImageReference stagingRepository,
        Digest manifestDigest,
        String manifestMediaType,
        long size,
        Platform platform,
        byte[] config) {

    public LoadedImage {
        names = List.copyOf(names);
        config = config.clone();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    /** Docker's reply lines: {@code Loaded image: alpine:latest} per name, else {@code Loaded image ID: sha256:…}. */
    public List<String> messages() {
        if (names.isEmpty()) {
            return List.of("Loaded image ID: " + id);
        }
        return names.stream().map(n -> "Loaded image: " + n.familiar()).toList();
    }
}
