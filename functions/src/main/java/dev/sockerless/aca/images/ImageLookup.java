package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.RegistryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds an image the way dockerd's {@code GetImage} does: by full ID ({@code sha256:<hex>} or 64 hex), by
 * reference (a bare name means {@code :latest}; {@code name@digest} matches the digest the name resolved to),
 * then by a unique ID prefix with or without {@code sha256:}.
 */
public final class ImageLookup {

    private static final Pattern HEX_PREFIX = Pattern.compile("(?:sha256:)?([a-f0-9]{1,64})");

    private final ImageStore store;

    public ImageLookup(ImageStore store) {
        this.store = store;
    }

    /** An image and the references naming it. */
    public record FoundImage(ImageRecord image, List<ImageRef> refs) {
        public FoundImage {
            refs = List.copyOf(refs);
        }
    }

    /** The image {@code refOrId} names, or NOT_FOUND {@code No such image: ...} in Docker's wording. */
    public FoundImage get(String refOrId) {
        return find(refOrId).orElseThrow(() -> DockerApiException.notFound("No such image: " + describe(refOrId)));
    }

    public Optional<FoundImage> find(String refOrId) {
        return findImage(refOrId).map(this::withRefs);
    }

    private Optional<ImageRecord> findImage(String refOrId) {
        if (refOrId == null || refOrId.isEmpty()) {
            return Optional.empty();
        }
        if (Digest.isDigest(refOrId)) {
            return store.findImage(Digest.parse(refOrId));
        }
        if (refOrId.matches("[a-f0-9]{64}")) {
            return store.findImage(new Digest(refOrId));
        }
        Optional<ImageReference> reference = parseOrEmpty(refOrId);
        if (reference.isPresent()) {
            Optional<ImageRecord> byRef = byReference(reference.get());
            if (byRef.isPresent()) {
                return byRef;
            }
        }
        var prefix = HEX_PREFIX.matcher(refOrId);
        if (prefix.matches()) {
            List<ImageRecord> matches = store.findImagesByIdPrefix(prefix.group(1));
            if (matches.size() > 1) {
                throw DockerApiException.invalid(
                        "ambiguous image ID prefix " + refOrId + " matches " + matches.size() + " images");
            }
            return matches.stream().findFirst();
        }
        if (reference.isEmpty()) {
            throw DockerApiException.invalid("invalid reference format: " + refOrId);
        }
        return Optional.empty();
    }

    private Optional<ImageRecord> byReference(ImageReference ref) {
        ImageReference key = ref.tag() == null && ref.digest() == null ? ref.withTag(ImageReference.DEFAULT_TAG) : ref;
        if (key.digest() != null) {
            Digest digest = key.digest();
            Optional<ImageRef> exact =
                    store.findRef(key.repositoryOnly().withDigest(digest).toString());
            if (exact.isPresent()) {
                return store.findImage(exact.get().imageId());
            }
            for (ImageRef r : store.listRefs()) {
                if (r.reference().name().equals(key.name()) && digest.equals(r.resolvedDigest())) {
                    return store.findImage(r.imageId());
                }
            }
            return store.listImages().stream()
                    .filter(i -> digest.equals(i.manifestDigest()) && key.name().equals(i.location()))
                    .findFirst();
        }
        return store.findRef(key.toString()).flatMap(r -> store.findImage(r.imageId()));
    }

    private FoundImage withRefs(ImageRecord image) {
        List<ImageRef> refs = new ArrayList<>(store.refsOf(image.id()));
        refs.sort(Comparator.comparing(ImageRef::key));
        return new FoundImage(image, refs);
    }

    private static Optional<ImageReference> parseOrEmpty(String text) {
        try {
            return Optional.of(ImageReference.parse(text));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    /** Docker's spelling of a missing image: the familiar reference with {@code :latest} added to a bare name. */
    static String describe(String refOrId) {
        if (Digest.isDigest(refOrId) || refOrId.matches("[a-f0-9]{64}")) {
            return refOrId;
        }
        return parseOrEmpty(refOrId)
                .map(r -> r.tag() == null && r.digest() == null ? r.withTag(ImageReference.DEFAULT_TAG) : r)
                .map(ImageReference::familiar)
                .orElse(refOrId);
    }
}
