package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.RegistryException;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code docker tag}: points a new reference at an existing image in the image table, without touching any
 * registry, and records the time as the image's {@code LastTagTime} (moby {@code postImagesTag}).
 */
public final class ImageTagger {

    private final ImageLookup lookup;
    private final ImageStore store;
    private final Clock clock;

    public ImageTagger(ImageLookup lookup, ImageStore store, Clock clock) {
        this.lookup = lookup;
        this.store = store;
        this.clock = clock;
    }

    /** Tags the image {@code source} names as {@code repo:tag}; errors in Docker's words. */
    public ImageRef tag(String source, String repo, String tag) {
        ImageReference target;
        try {
            target = target(repo, tag);
        } catch (RegistryException e) {
            throw RegistryFailures.toDocker(e);
        }
        ImageRecord image = lookup.get(source).image();
        Instant now = clock.instant();
        ImageRef ref = new ImageRef(
                target,
                image.id(),
                null,
                image.platform() == null ? null : image.platform().toString(),
                now);
        store.saveRef(ref);
        store.touchLastTagTime(image.id(), now);
        return ref;
    }

    /** The new reference, validated as moby's {@code RepoTagReference} does; a missing tag means {@code latest}. */
    static ImageReference target(String repo, String tag) {
        if (repo == null || repo.isEmpty()) {
            throw DockerApiException.invalid("repository name must have at least one component");
        }
        ImageReference ref = ImageReference.parse(repo);
        if (ref.digest() != null) {
            throw DockerApiException.invalid("cannot import digest reference");
        }
        if ("sha256".equals(ref.familiarName())) {
            throw DockerApiException.invalid("refusing to create an ambiguous tag using digest algorithm as name");
        }
        if (tag == null || tag.isEmpty()) {
            return ref.tag() != null ? ref : ref.withTag(ImageReference.DEFAULT_TAG);
        }
        if (!ImageReference.isValidTag(tag)) {
            throw DockerApiException.invalid("invalid tag format");
        }
        return ref.withTag(tag);
    }
}
