package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * {@code docker rmi} and {@code docker image prune} on the image table (moby {@code daemon/images/image_delete.go}):
 * a reference is untagged and the image deleted when no tag is left; an ID deletes the image with all its
 * references. Containers keep their images: one in use by a container is untagged only (409 without force when it
 * would be deleted), and never deleted while a container runs it.
 */
public final class ImageRemover {

    /** A container using an image. */
    public record User(String containerId, boolean running) {}

    /** Who uses an image. */
    @FunctionalInterface
    public interface Users {
        List<User> of(Digest imageId);
    }

    /** One line of Docker's answer: {@code {"Untagged": ref}} or {@code {"Deleted": id}}. */
    public record Removed(
            @Nullable String untagged, @Nullable String deleted) {
        static Removed untagged(ImageReference ref) {
            return new Removed(ref.familiar(), null);
        }

        static Removed deleted(Digest id) {
            return new Removed(null, id.toString());
        }
    }

    private final ImageLookup lookup;
    private final ImageStore store;
    private final Users users;

    public ImageRemover(ImageLookup lookup, ImageStore store, Users users) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.store = Objects.requireNonNull(store, "store");
        this.users = Objects.requireNonNull(users, "users");
    }

    /** {@code DELETE /images/{name}?force=}: what was untagged and deleted, in order. */
    public List<Removed> remove(String name, boolean force) {
        ImageLookup.FoundImage found = lookup.get(name);
        Optional<ImageRef> named = exactRef(name);
        Digest id = found.image().id();
        List<User> using = users.of(id);
        List<Removed> out = new ArrayList<>();
        if (named.isPresent() && named.get().imageId().equals(id)) {
            ImageRef ref = named.get();
            List<ImageRef> tags = found.refs().stream().filter(ImageRef::isTag).toList();
            boolean lastTag = !ref.isTag() || tags.size() <= 1;
            if (!lastTag) { // other tags remain: untag only
                untag(ref, out);
                return out;
            }
            if (!using.isEmpty() && !force) {
                throw DockerApiException.conflict("conflict: unable to remove repository reference \"" + name
                        + "\" (must force) - container " + shortId(using.get(0).containerId())
                        + " is using its referenced image " + shortId(id.hex()));
            }
            untag(ref, out);
            if (using.isEmpty()) {
                found.refs().stream().filter(r -> !r.key().equals(ref.key())).forEach(r -> untag(r, out));
                delete(id, out);
            }
            return out;
        }
        // by ID (or a prefix): the image and every reference to it
        Optional<User> running = using.stream().filter(User::running).findFirst();
        if (running.isPresent()) {
            throw DockerApiException.conflict("conflict: unable to delete " + shortId(id.hex()) + " (cannot be forced)"
                    + " - image is being used by running container "
                    + shortId(running.get().containerId()));
        }
        if (!force && !using.isEmpty()) {
            throw DockerApiException.conflict("conflict: unable to delete " + shortId(id.hex()) + " (must be forced)"
                    + " - image is being used by stopped container "
                    + shortId(using.get(0).containerId()));
        }
        long repositories =
                found.refs().stream().map(r -> r.reference().name()).distinct().count();
        if (!force && repositories > 1) {
            throw DockerApiException.conflict("conflict: unable to delete " + shortId(id.hex()) + " (must be forced)"
                    + " - image is referenced in multiple repositories");
        }
        found.refs().forEach(r -> untag(r, out));
        delete(id, out);
        return out;
    }

    /**
     * {@code POST /images/prune}: images no container uses that are dangling (no tag), or, with {@code all}, every
     * such image; those {@code keep} rejects stay.
     */
    public List<Removed> prune(boolean all, Predicate<ImageRecord> keep) {
        List<Removed> out = new ArrayList<>();
        List<ImageRef> refs = store.listRefs();
        for (ImageRecord image : store.listImages()) {
            List<ImageRef> mine =
                    refs.stream().filter(r -> r.imageId().equals(image.id())).toList();
            boolean dangling = mine.stream().noneMatch(ImageRef::isTag);
            if ((all || dangling) && users.of(image.id()).isEmpty() && !keep.test(image)) {
                mine.forEach(r -> untag(r, out));
                delete(image.id(), out);
            }
        }
        return out;
    }

    private Optional<ImageRef> exactRef(String name) {
        try {
            ImageReference ref = ImageReference.parse(name);
            if (ref.tag() == null && ref.digest() == null) {
                ref = ref.withTag(ImageReference.DEFAULT_TAG);
            }
            return store.findRef(ref.toString());
        } catch (RuntimeException e) {
            return Optional.empty(); // an ID or ID prefix
        }
    }

    private void untag(ImageRef ref, List<Removed> out) {
        if (store.deleteRef(ref.key())) {
            out.add(Removed.untagged(ref.reference()));
        }
    }

    private void delete(Digest id, List<Removed> out) {
        if (store.deleteImage(id)) {
            out.add(Removed.deleted(id));
        }
    }

    private static String shortId(String hex) {
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
