package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The image table: images by ID and the references naming them. Implementations must store any config up to
 * {@link #MAX_CONFIG_BYTES} and keep state across restarts.
 */
public interface ImageStore {

    /** Configs larger than this are refused at pull or load. */
    long MAX_CONFIG_BYTES = 8L * 1024 * 1024;

    Optional<ImageRecord> findImage(Digest id);

    /** Images whose ID hex starts with {@code hexPrefix}. */
    List<ImageRecord> findImagesByIdPrefix(String hexPrefix);

    List<ImageRecord> listImages();

    /** What the image list shows of every image, without reading whole configs where the store can avoid it. */
    default List<ImageSummary> listSummaries() {
        return listImages().stream().map(ImageSummary::of).toList();
    }

    /** Writes (or rewrites) an image; an existing record's {@code lastTagTime} is kept when the new one has none. */
    void saveImage(ImageRecord image);

    Optional<ImageRef> findRef(String fullyQualifiedReference);

    List<ImageRef> listRefs();

    /** The references to one image (an inspect needs these, not every reference of the table). */
    default List<ImageRef> refsOf(Digest imageId) {
        return listRefs().stream().filter(r -> r.imageId().equals(imageId)).toList();
    }

    /** Points a reference at an image, replacing what it pointed at before. */
    void saveRef(ImageRef ref);

    /** Removes a reference; false when there was none. */
    boolean deleteRef(String fullyQualifiedReference);

    /** Removes an image (its config pieces too; the references are the caller's); false when there was none. */
    boolean deleteImage(Digest id);

    /** Sets an image's {@code lastTagTime}, safe against concurrent writers. */
    void touchLastTagTime(Digest id, Instant time);

    /**
     * The gzip a layer gave when an earlier load compressed it ({@link GzippedLayer#key}), kept across restarts: a
     * repeated load on a new instance then knows its layers' digests, asks the registry first and compresses and
     * uploads only what it lacks.
     */
    Optional<GzippedLayer> findGzippedLayer(String key);

    /** Remembers what gzipping a layer gave (see {@link #findGzippedLayer}). */
    void saveGzippedLayer(String key, GzippedLayer layer);
}
