package dev.sockerless.aca.images;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.LayerPreparer.Kind;
import dev.sockerless.aca.images.LayerPreparer.Prepared;
import dev.sockerless.aca.images.LayerPreparer.StreamTo;
import dev.sockerless.aca.images.LayerPreparer.Streamed;
import dev.sockerless.aca.io.DaemonThreads;
import dev.sockerless.aca.registry.BlobSource;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryException;
import dev.sockerless.aca.registry.RegistryPush;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@code docker load}: reads a {@code docker save} archive ({@link DockerArchive}), verifies every layer against
 * the config's {@code rootfs.diff_ids} while streaming it, pushes each image to the staging registry
 * ({@code <staging>/<repository path of its name>}) and records it in the image table under its original names.
 *
 * <p>Nothing is half done: all blobs and manifests (by digest) of every image are pushed first; tags are put only
 * when all of that succeeded, and the image table is written only after the tags. (An archive of one image with one
 * name puts its manifest by tag only: with nothing else to wait for, that put is the step that makes the image.) A
 * failed load leaves no tag and no record, and its retry re-uploads nothing the registry already holds (blobs are
 * HEADed first; gzip output is deterministic: {@link ParallelGzip}, mtime 0, fixed level).
 *
 * <p>Layers: an uncompressed layer is gzipped (unless {@link LoadOptions#compressLayers()} is off) into a temporary
 * file while its uncompressed digest is checked; a compressed layer of an OCI layout is pushed byte for byte. The
 * config is pushed byte for byte, so the image ID is kept. OCI-layout sources give OCI manifests (the original
 * bytes when every layer is pushed as stored), {@code manifest.json} sources Docker schema 2 manifests.
 */
public final class ImageLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Repository (under the staging namespace) for images the archive does not name. */
    static final String UNTAGGED_REPOSITORY = "untagged";

    private final Registries registries;
    private final ImageStore store;
    private final Clock clock;

    /**
     * Registry requests of loads: streamed uploads (each waiting on its layer's compression: at most one per layer
     * being prepared), commits and uploads of blobs.
     */
    private final ExecutorService io = Executors.newFixedThreadPool(IO_THREADS, DaemonThreads.named("image-upload"));

    static final int IO_THREADS = 8;

    private final LayerPreparer preparer;

    /** @param store the image table to record loaded images in; null to only stage them */
    public ImageLoader(Registries registries, ImageStore store, Clock clock) {
        this.registries = registries;
        this.store = store;
        this.clock = clock;
        this.preparer = new LayerPreparer(registries, store, io);
    }

    /** One image's push plan. */
    private record Plan(
            ArchiveImage image,
            Platform platform,
            byte[] manifest,
            String manifestMediaType,
            Digest manifestDigest,
            List<Prepared> blobs,
            long layersSize,
            List<ImageReference> repositories) {}

    /** Loads {@code body}; returns the staged images in archive order. */
    public List<LoadedImage> load(byte[] body, LoadOptions options, LoadProgress progress) {
        if (body.length > options.maxBodyBytes()) {
            throw DockerApiException.invalid("invalid archive: the request body is " + body.length
                    + " bytes, over the limit of " + options.maxBodyBytes());
        }
        if (body.length == 0) {
            throw DockerApiException.invalid("invalid archive: the request body is empty");
        }
        Staging staging = Staging.parse(options.stagingRegistry());
        return load(
                () -> DockerArchive.open(body, options.maxExpandedBytes(), options.tempDir(), options.platform()),
                staging,
                options,
                progress);
    }

    /**
     * Loads the archive in {@code archive} (a downloaded blob) without reading it into memory whole; the file is
     * left in place (the caller owns it). Its size is capped by {@link LoadOptions#maxExpandedBytes()}, not by the
     * request body limit.
     */
    public List<LoadedImage> load(Path archive, LoadOptions options, LoadProgress progress) {
        long size;
        try {
            size = Files.size(archive);
        } catch (IOException e) {
            throw DockerApiException.system("cannot read the archive file: " + e.getMessage(), e);
        }
        if (size > options.maxExpandedBytes()) {
            throw DockerApiException.invalid("invalid archive: the archive is " + size + " bytes, over the limit of "
                    + options.maxExpandedBytes());
        }
        if (size == 0) {
            throw DockerApiException.invalid("invalid archive: the archive is empty");
        }
        Staging staging = Staging.parse(options.stagingRegistry());
        return load(
                () -> DockerArchive.open(archive, options.maxExpandedBytes(), options.tempDir(), options.platform()),
                staging,
                options,
                progress);
    }

    private List<LoadedImage> load(
            Supplier<DockerArchive> opener, Staging staging, LoadOptions options, LoadProgress progress) {
        try {
            return loadOrThrow(opener, staging, options, progress);
        } catch (RegistryException e) {
            throw RegistryFailures.toDocker(e);
        }
    }

    private List<LoadedImage> loadOrThrow(
            Supplier<DockerArchive> opener, Staging staging, LoadOptions options, LoadProgress progress) {
        List<Path> temps = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Streamed> streamed = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Collection<? extends Future<?>> tasks = List.of();
        try (DockerArchive archive = opener.get()) {
            // 1. Verify every layer and prepare every blob before anything is pushed, several layers at a time.
            Map<String, Future<Prepared>> preparedByPath = new LinkedHashMap<>();
            tasks = preparedByPath.values();
            for (ArchiveImage image : archive.images()) {
                boolean oci = image.isOciLayout();
                ImageReference first = repositories(image, staging).get(0);
                for (int i = 0; i < image.layers().size(); i++) {
                    ArchiveLayer layer = image.layers().get(i);
                    Digest diffId = image.diffIds().get(i);
                    Kind kind = LayerPreparer.kindFor(layer, oci, options.compressLayers());
                    preparedByPath.computeIfAbsent(
                            LayerPreparer.key(layer, kind, oci),
                            k -> preparer.submit(layer, diffId, oci, options, temps, new StreamTo(first, streamed)));
                }
            }
            List<Plan> plans = new ArrayList<>();
            for (ArchiveImage image : archive.images()) {
                plans.add(plan(image, staging, options, preparedByPath, progress));
            }
            try {
                // 2. Blobs, then manifests by digest, of every image in every repository. One image with one name
                // skips the put by digest (whose purpose is that no tag goes up before every manifest is in): its
                // manifest goes straight to its tag, which stores it by digest as well, one request fewer.
                boolean byTagOnly =
                        plans.size() == 1 && plans.get(0).image().names().size() == 1;
                Map<String, Set<Digest>> present = new HashMap<>();
                Map<Digest, String> anyRepository = new HashMap<>();
                for (Plan plan : plans) {
                    for (ImageReference repository : plan.repositories()) {
                        RegistryPush push = registries.forPush(repository, options.credentials());
                        Set<Digest> here = present.computeIfAbsent(repository.repository(), k -> new HashSet<>());
                        List<Future<?>> uploads = new ArrayList<>();
                        for (Prepared blob : plan.blobs()) {
                            if (!here.add(blob.digest())) {
                                continue;
                            }
                            String from = anyRepository.get(blob.digest());
                            Streamed stream = blob.streamed();
                            Streamed streamedHere =
                                    stream != null && stream.repository().equals(repository) ? stream : null;
                            uploads.add(io.submit(() -> {
                                RegistryPush.Upload session = streamedHere == null ? null : streamedHere.session();
                                if (streamedHere != null && session != null) {
                                    progress.status("Pushing", shortId(blob.digest()));
                                    streamedHere.committed().set(true); // a failed commit leaves nothing to cancel
                                    push.commit(session, blob.digest());
                                } else if (!push.blobExists(blob.digest())) {
                                    progress.status("Pushing", shortId(blob.digest()));
                                    push.mountOrUpload(blob.digest(), blob.size(), blob.source(), from);
                                }
                            }));
                        }
                        awaitAll(uploads);
                        for (Prepared blob : plan.blobs()) {
                            anyRepository.putIfAbsent(blob.digest(), repository.repository());
                        }
                        if (!byTagOnly) {
                            push.putManifest(
                                    plan.manifestDigest().toString(), plan.manifest(), plan.manifestMediaType());
                        }
                    }
                }
                // 3. Tags, only once all content is in place.
                for (Plan plan : plans) {
                    for (ImageReference name : plan.image().names()) {
                        registries
                                .forPush(staging.repositoryFor(name), options.credentials())
                                .putManifest(
                                        Objects.requireNonNull(name.tag(), "tag"),
                                        plan.manifest(),
                                        plan.manifestMediaType());
                    }
                }
            } catch (RegistryException e) {
                throw RegistryFailures.pushError(e);
            }
            // 4. The image table, last: what gzipping each layer gave (saved while the registry work went on) first.
            for (Plan plan : plans) {
                for (Prepared blob : plan.blobs()) {
                    blob.remembered().exceptionally(e -> null).join();
                }
            }
            List<LoadedImage> out = new ArrayList<>();
            for (Plan plan : plans) {
                LoadedImage loaded = new LoadedImage(
                        plan.image().configDigest(),
                        plan.image().names(),
                        plan.repositories().get(0),
                        plan.manifestDigest(),
                        plan.manifestMediaType(),
                        plan.layersSize(),
                        plan.platform(),
                        plan.image().config());
                record(loaded);
                out.add(loaded);
            }
            return out;
        } finally {
            // On a failure, let the other layers' tasks finish before their temporary files are removed.
            for (Future<?> task : tasks) {
                try {
                    task.get();
                } catch (Exception ignored) {
                    // reported by whoever awaited it first
                }
            }
            for (Streamed stream : List.copyOf(streamed)) {
                stream.cancelUnlessCommitted();
            }
            for (Path temp : List.copyOf(temps)) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Records an image under its original names: location = the staging repository, no registry digest. */
    private void record(LoadedImage loaded) {
        if (store == null) {
            return;
        }
        Instant now = clock.instant();
        store.saveImage(new ImageRecord(
                loaded.id(),
                loaded.config(),
                loaded.manifestDigest(),
                loaded.manifestMediaType(),
                loaded.platform(),
                loaded.size(),
                loaded.stagingRepository().name(),
                null,
                now));
        for (ImageReference name : loaded.names()) {
            store.saveRef(
                    new ImageRef(name, loaded.id(), null, loaded.platform().toString(), now));
        }
    }

    private Plan plan(
            ArchiveImage image,
            Staging staging,
            LoadOptions options,
            Map<String, Future<Prepared>> preparedByPath,
            LoadProgress progress) {
        Platform platform = ImagePuller.platformOf(image.config(), options.platform());
        boolean oci = image.isOciLayout();
        List<Prepared> layers = new ArrayList<>();
        boolean allAsStored = oci;
        for (int i = 0; i < image.layers().size(); i++) {
            ArchiveLayer layer = image.layers().get(i);
            Digest diffId = image.diffIds().get(i);
            progress.status("Loading layer", shortId(diffId));
            Prepared prepared = LayerPreparer.await(Objects.requireNonNull( // every layer was submitted before planning
                    preparedByPath.get(LayerPreparer.key(
                            layer, LayerPreparer.kindFor(layer, oci, options.compressLayers()), oci))));
            LayerPreparer.checkDiffId(
                    layer, diffId, prepared.uncompressed()); // a layer shared by images was hashed once
            if (layer.declaredDigest() == null || !layer.declaredDigest().equals(prepared.digest())) {
                allAsStored = false;
            }
            layers.add(prepared);
        }
        byte[] config = image.config();
        Prepared configBlob =
                new Prepared(image.configDigest(), config.length, image.configMediaType(), BlobSource.of(config), null);
        byte[] manifest;
        String mediaType;
        ArchiveImage.SourceManifest source = image.sourceManifest(); // present exactly when oci
        if (source != null && allAsStored) {
            manifest = source.bytes();
            mediaType = source.mediaType();
        } else {
            mediaType = oci ? MediaType.OCI_MANIFEST : MediaType.DOCKER_MANIFEST;
            manifest = manifest(mediaType, configBlob, layers);
        }
        List<Prepared> blobs = new ArrayList<>();
        blobs.add(configBlob);
        blobs.addAll(layers);
        long size = layers.stream().mapToLong(Prepared::size).sum();
        return new Plan(
                image, platform, manifest, mediaType, Digest.of(manifest), blobs, size, repositories(image, staging));
    }

    /** The staging repositories of an image's names, in order; the untagged one for an image without a name. */
    private static List<ImageReference> repositories(ArchiveImage image, Staging staging) {
        Set<ImageReference> repositories = new LinkedHashSet<>();
        for (ImageReference name : image.names()) {
            repositories.add(staging.repositoryFor(name));
        }
        if (repositories.isEmpty()) {
            repositories.add(staging.untagged());
        }
        return List.copyOf(repositories);
    }

    /** Waits for every task, then rethrows the first failure: no upload is left running when the load fails. */
    private static void awaitAll(List<Future<?>> futures) {
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                LayerPreparer.await(f);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static byte[] manifest(String mediaType, Prepared config, List<Prepared> layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", mediaType);
        m.put(
                "config",
                descriptor(
                        MediaType.OCI_MANIFEST.equals(mediaType) && MediaType.DOCKER_CONFIG.equals(config.mediaType())
                                ? MediaType.OCI_CONFIG
                                : config.mediaType(),
                        config));
        m.put("layers", layers.stream().map(l -> descriptor(l.mediaType(), l)).toList());
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> descriptor(String mediaType, Prepared blob) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", blob.digest().toString());
        d.put("size", blob.size());
        return d;
    }

    private static String shortId(Digest digest) {
        return digest.hex().substring(0, 12);
    }
}
