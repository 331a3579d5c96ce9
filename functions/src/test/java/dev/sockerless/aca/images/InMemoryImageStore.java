package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A thread-safe in-memory {@link ImageStore} for unit tests, with the semantics of
 * {@code TableStorageImageStore}: configs over {@link #MAX_CONFIG_BYTES} are refused, a rewrite keeps the first
 * {@code storedAt} and (when the new record has none) the existing {@code lastTagTime}, {@code touchLastTagTime}
 * only moves the time forward and answers NOT_FOUND for a missing image. Lists come back sorted by ID hex and by
 * reference text.
 */
public final class InMemoryImageStore implements ImageStore {

    private final Map<String, ImageRecord> images = new TreeMap<>();
    private final Map<String, ImageRef> refs = new TreeMap<>();
    private final Map<String, GzippedLayer> gzipped = new TreeMap<>();

    private volatile Runnable beforeGzipLookup = () -> {};

    /** Runs {@code hook} at the start of every {@link #findGzippedLayer} (outside the store's lock). */
    public void beforeGzipLookup(Runnable hook) {
        beforeGzipLookup = hook;
    }

    @Override
    public Optional<GzippedLayer> findGzippedLayer(String key) {
        beforeGzipLookup.run();
        synchronized (this) {
            return Optional.ofNullable(gzipped.get(key));
        }
    }

    private volatile Runnable beforeGzipSave = () -> {};

    /** Runs {@code hook} at the start of every {@link #saveGzippedLayer} (outside the store's lock). */
    public void beforeGzipSave(Runnable hook) {
        beforeGzipSave = hook;
    }

    @Override
    public void saveGzippedLayer(String key, GzippedLayer layer) {
        beforeGzipSave.run();
        synchronized (this) {
            gzipped.put(key, layer);
        }
    }

    @Override
    public synchronized Optional<ImageRecord> findImage(Digest id) {
        return Optional.ofNullable(images.get(id.hex()));
    }

    @Override
    public synchronized List<ImageRecord> findImagesByIdPrefix(String hexPrefix) {
        if (hexPrefix == null || !hexPrefix.matches("[a-f0-9]{1,64}")) {
            return List.of();
        }
        List<ImageRecord> out = new ArrayList<>();
        images.forEach((hex, image) -> {
            if (hex.startsWith(hexPrefix)) {
                out.add(image);
            }
        });
        return out;
    }

    @Override
    public synchronized List<ImageRecord> listImages() {
        return List.copyOf(images.values());
    }

    @Override
    public synchronized void saveImage(ImageRecord image) {
        if (image.config().length > MAX_CONFIG_BYTES) {
            throw DockerApiException.invalid(
                    "image config is " + image.config().length + " bytes, over the limit of " + MAX_CONFIG_BYTES);
        }
        ImageRecord existing = images.get(image.id().hex());
        ImageRecord toStore = image;
        if (existing != null) {
            Instant lastTag = image.lastTagTime() != null ? image.lastTagTime() : existing.lastTagTime();
            Instant storedAt = existing.storedAt() != null ? existing.storedAt() : image.storedAt();
            toStore = new ImageRecord(
                    image.id(),
                    image.config(),
                    image.manifestDigest(),
                    image.manifestMediaType(),
                    image.platform(),
                    image.size(),
                    image.location(),
                    lastTag,
                    storedAt);
        }
        images.put(image.id().hex(), toStore);
    }

    @Override
    public synchronized Optional<ImageRef> findRef(String fullyQualifiedReference) {
        return Optional.ofNullable(refs.get(fullyQualifiedReference));
    }

    @Override
    public synchronized List<ImageRef> listRefs() {
        return List.copyOf(refs.values());
    }

    @Override
    public synchronized void saveRef(ImageRef ref) {
        refs.put(ref.key(), ref);
    }

    @Override
    public synchronized boolean deleteRef(String fullyQualifiedReference) {
        return refs.remove(fullyQualifiedReference) != null;
    }

    @Override
    public synchronized boolean deleteImage(Digest id) {
        return images.remove(id.hex()) != null;
    }

    @Override
    public synchronized void touchLastTagTime(Digest id, Instant time) {
        ImageRecord image = images.get(id.hex());
        if (image == null) {
            throw DockerApiException.notFound("No such image: " + id);
        }
        if (image.lastTagTime() == null || image.lastTagTime().isBefore(time)) {
            images.put(id.hex(), image.withLastTagTime(time));
        }
    }
}
