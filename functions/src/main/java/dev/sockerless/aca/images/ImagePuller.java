package dev.sockerless.aca.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Descriptor;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Manifests;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.PlatformMatcher;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryApi;
import dev.sockerless.aca.registry.RegistryApi.FetchedManifest;
import dev.sockerless.aca.registry.RegistryCredentials;
import dev.sockerless.aca.registry.RegistryException;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Pulls an image into the image table without downloading layers: resolves the tag (index → platform manifest),
 * fetches and verifies the config, and records image and reference. A repeat pull of an unchanged tag costs one
 * HEAD (plus a token when the cached one expired); content already known by digest is never fetched again.
 */
public final class ImagePuller {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registries registries;
    private final ImageStore store;
    private final ContentCache manifests;
    private final Clock clock;

    public ImagePuller(Registries registries, ImageStore store, ContentCache manifests, Clock clock) {
        this.registries = registries;
        this.store = store;
        this.manifests = manifests;
        this.clock = clock;
    }

    /** What to pull: a reference with a tag or a digest, the platform, and the caller's credentials. */
    public record PullRequest(ImageReference reference, Platform platform, RegistryCredentials credentials) {
        public PullRequest {
            if (reference.tag() == null && reference.digest() == null) {
                throw new IllegalArgumentException("a pull needs a tag or a digest");
            }
        }
    }

    /** The outcome: the image and whether anything new was recorded. */
    public record PullResult(ImageRecord image, ImageRef ref, boolean upToDate) {}

    /**
     * Pulls. Errors before the first progress line are thrown as Docker's pull errors (never UNAUTHORIZED: the
     * docker CLI answers a 401 with a login prompt); after it, they are thrown too and the caller reports them
     * in-band.
     */
    public PullResult pull(PullRequest request, PullProgress progress) {
        try {
            return pullOrThrow(request, progress);
        } catch (RegistryException e) {
            throw RegistryFailures.toDocker(e);
        }
    }

    private PullResult pullOrThrow(PullRequest request, PullProgress progress) {
        ImageReference ref = request.reference();
        RegistryApi registry = registries.forRepository(ref, request.credentials());
        String platform = request.platform().toString();
        Optional<ImageRef> known = store.findRef(ref.toString()).filter(r -> platform.equals(r.platform()));

        FetchedManifest top;
        Digest resolved;
        try {
            if (ref.digest() != null) {
                resolved = ref.digest();
                Optional<PullResult> upToDate = upToDate(known, resolved, ref, progress);
                if (upToDate.isPresent()) {
                    return upToDate.get();
                }
                top = fetchManifest(registry, resolved);
            } else if (known.isPresent()) {
                Optional<RegistryApi.ManifestHead> head = registry.head(ref.identifier());
                if (head.isPresent()) {
                    Optional<PullResult> upToDate = upToDate(known, head.get().digest(), ref, progress);
                    if (upToDate.isPresent()) {
                        return upToDate.get();
                    }
                    top = fetchManifest(registry, head.get().digest());
                } else {
                    // The registry (or client) cannot HEAD: GET the tag, then compare digests.
                    top = registry.manifest(ref.identifier());
                    Optional<PullResult> upToDate = upToDate(known, top.digest(), ref, progress);
                    if (upToDate.isPresent()) {
                        return upToDate.get();
                    }
                }
                resolved = top.digest();
            } else {
                top = registry.manifest(ref.identifier());
                resolved = top.digest();
            }
        } catch (RegistryException e) {
            throw RegistryFailures.pullError(e, ref);
        }
        manifests.put(top);
        progress.status("Pulling from " + ref.repository(), pullingId(ref));

        FetchedManifest manifest = top;
        if (MediaType.isIndex(top.mediaType())) {
            Manifests.ImageIndex index = Manifests.parseIndex(top.bytes(), top.mediaType());
            Descriptor chosen = PlatformMatcher.choose(index.manifests(), request.platform());
            manifest = fetchManifest(registry, chosen.digest());
        }
        if (!MediaType.isImageManifest(manifest.mediaType())) {
            throw DockerApiException.invalid(
                    "unsupported manifest media type " + manifest.mediaType() + " for " + ref.familiar());
        }
        Manifests.ImageManifest image = Manifests.parseManifest(manifest.bytes(), manifest.mediaType());
        Digest imageId = image.config().digest();
        ImageRecord record = store.findImage(imageId).orElse(null);
        if (record == null) {
            byte[] config = registry.blob(image.config(), ImageStore.MAX_CONFIG_BYTES);
            record = new ImageRecord(
                    imageId,
                    config,
                    manifest.digest(),
                    manifest.mediaType(),
                    platformOf(config, request.platform()),
                    image.layersSize(),
                    ref.name(),
                    null,
                    clock.instant());
            store.saveImage(record);
        }
        ImageRef saved = new ImageRef(ref, imageId, resolved, platform, clock.instant());
        store.saveRef(saved);
        progress.status("Digest: " + resolved);
        progress.status("Status: Downloaded newer image for " + ref.familiar());
        return new PullResult(record, saved, false);
    }

    private Optional<PullResult> upToDate(
            Optional<ImageRef> known, Digest resolved, ImageReference ref, PullProgress progress) {
        if (known.isEmpty() || !resolved.equals(known.get().resolvedDigest())) {
            return Optional.empty();
        }
        Optional<ImageRecord> image = store.findImage(known.get().imageId());
        if (image.isEmpty()) {
            return Optional.empty();
        }
        progress.status("Pulling from " + ref.repository(), pullingId(ref));
        progress.status("Digest: " + resolved);
        progress.status("Status: Image is up to date for " + ref.familiar());
        return Optional.of(new PullResult(image.get(), known.get(), true));
    }

    private static @Nullable String pullingId(ImageReference ref) {
        return ref.digest() != null ? ref.toString() : ref.tag();
    }

    private FetchedManifest fetchManifest(RegistryApi registry, Digest digest) {
        Optional<FetchedManifest> cached = manifests.find(digest);
        if (cached.isPresent()) {
            return cached.get();
        }
        FetchedManifest fetched = registry.manifest(digest.toString());
        manifests.put(fetched);
        return fetched;
    }

    /** The platform the config declares; a config without one takes the platform asked for. */
    static Platform platformOf(byte[] config, Platform asked) {
        try {
            JsonNode root = JSON.readTree(config);
            if (root == null || !root.isObject() || !root.path("rootfs").isObject()) {
                throw DockerApiException.invalid("malformed image config: no rootfs");
            }
            String os = root.path("os").asText("");
            String arch = root.path("architecture").asText("");
            if (os.isEmpty() || arch.isEmpty()) {
                return asked;
            }
            return Platform.of(os, arch, root.path("variant").asText(""));
        } catch (IOException e) {
            throw DockerApiException.invalid("malformed image config: not JSON");
        }
    }
}
